package io.vigil.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.testing.LocalServices;
import java.nio.file.Files;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** The README documents every option with its default: the table can't drift from the code. */
class ReadmeOptionsTest {

  @Test
  void everyOptionIsInTheReadmeTable() throws Exception {
    String readme = Files.readString(LocalServices.repositoryRoot().resolve("README.md"));
    for (ConfigOption<?> o : VigilOptions.ALL) {
      assertThat(readme).as(o.key()).contains("| `" + o.key() + "` |");
    }
  }
}
