package io.vigil.common.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InfraStateCodecTest {
  private final InfraStateCodec codec = new InfraStateCodec();

  private InfraStateCodec.Result decode(String json) {
    return codec.decode(json.getBytes(StandardCharsets.UTF_8), 42L);
  }

  @Test
  void reportsTerraformStatesAndDeletions() {
    var r =
        decode(
            """
            [{"kind":"actual","environment":"prod","resource":"aws_instance.web",
              "type":"aws_instance","service":"web","state":{"instance_type":"t3.large"},
              "by":"arn:aws:iam::1:user/alice","timestamp":"2026-12-03T10:00:00Z"},
             {"kind":"actual","environment":"prod","resource":"aws_s3_bucket.logs","state":null},
             {"kind":"declared","environment":"prod","by":"abc123","timestamp":1000,
              "terraform":{"values":{"root_module":{
                "resources":[{"address":"aws_instance.web","mode":"managed","type":"aws_instance",
                              "values":{"instance_type":"t3.small","tags":{"service":"web"}}},
                             {"address":"data.aws_ami.ubuntu","mode":"data","type":"aws_ami",
                              "values":{}}],
                "child_modules":[{"resources":[{"address":"module.db.aws_db_instance.main",
                  "mode":"managed","type":"aws_db_instance","values":{"engine":"postgres"}}]}]}}}}]
            """);
    assertThat(r.errors()).isEmpty();
    assertThat(r.states())
        .extracting(
            s -> s.resource() + " " + s.declared() + " " + s.present() + " " + s.timestamp())
        .containsExactly(
            "aws_instance.web false true 1796292000000",
            "aws_s3_bucket.logs false false 42",
            "aws_instance.web true true 1000",
            "module.db.aws_db_instance.main true true 1000");
    assertThat(r.states().get(0).by()).isEqualTo("arn:aws:iam::1:user/alice");
    assertThat(r.states().get(2).service()).isEqualTo("web");
    assertThat(r.states().get(2).stateJson()).contains("t3.small");
    assertThat(r.states().get(0).key()).isEqualTo(r.states().get(2).key());
  }

  @Test
  void unusableReportsAreReasons() {
    var r =
        decode(
            """
            [{"kind":"planned","environment":"prod","resource":"x","state":{}},
             {"kind":"actual","resource":"x","state":{}},
             {"kind":"actual","environment":"prod","state":{}},
             {"kind":"actual","environment":"prod","resource":"x","state":[1]},
             {"kind":"actual","environment":"prod","resource":"x","state":{},"timestamp":"noon"},
             {"kind":"actual","environment":"prod","terraform":{}},
             {"kind":"declared","environment":"prod","terraform":{}}, 7]
            """);
    assertThat(r.states()).isEmpty();
    assertThat(r.errors())
        .containsExactly(
            "[0]: field 'kind' must be declared or actual",
            "[1]: field 'environment' is missing",
            "[2]: field 'resource' is missing",
            "[3]: field 'state' must be a JSON object (or null for a deleted resource)",
            "[4]: field 'timestamp' must be epoch millis or an RFC 3339 time",
            "[5]: a Terraform state is a declared state ('kind': 'declared')",
            "[6]: field 'terraform' has no values.root_module (terraform show -json)",
            "[7]: expected a resource-state report (a JSON object)");
    assertThat(decode("{").errors().get(0)).startsWith("invalid JSON: ");
  }
}
