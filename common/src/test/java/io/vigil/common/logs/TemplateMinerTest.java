package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TemplateMinerTest {

  private final TemplateMiner miner = new TemplateMiner("acme/checkout");

  @Test
  void messagesThatDifferOnlyInMaskedValuesShareATemplate() {
    TemplateMatch a = miner.add("PacketResponder 1 for block blk_123 terminating");
    TemplateMatch b = miner.add("PacketResponder 0 for block blk_-987 terminating");

    assertThat(a.change()).isEqualTo(TemplateMatch.Change.CREATED);
    assertThat(b.change()).isEqualTo(TemplateMatch.Change.NONE);
    assertThat(b.templateId()).isEqualTo(a.templateId());
    assertThat(b.template()).isEqualTo("PacketResponder <*> for block <*> terminating");
  }

  @Test
  void differentLengthsAndDifferentWordsAreDifferentTemplates() {
    long stored = miner.add("Block b1 stored as bytes in memory").templateId();
    long values = miner.add("Block b2 stored as values in memory").templateId();
    long longer = miner.add("Block b3 stored as values in memory now").templateId();

    assertThat(values).isNotEqualTo(stored);
    assertThat(longer).isNotEqualTo(stored).isNotEqualTo(values);
    assertThat(miner.add("Block b4 stored as bytes in memory").templateId()).isEqualTo(stored);
  }

  @Test
  void aWordPositionBecomesVariableAfterEnoughDistinctValues() {
    List<Long> ids = new ArrayList<>();
    for (String user : List.of("root", "admin", "oracle", "test", "guest", "ftp")) {
      ids.add(
          miner.add("Failed password for " + user + " from 10.0.0.1 port 22 ssh2").templateId());
    }
    // Three users are three templates; the fourth reveals a variable and merges them into the
    // oldest, whose id survives; later users join directly.
    assertThat(ids.subList(0, 3)).doesNotHaveDuplicates();
    assertThat(ids.subList(3, 6)).containsOnly(ids.get(0));
    assertThat(miner.templateCount()).isEqualTo(1);
    assertThat(miner.templateText(ids.get(0)))
        .isEqualTo("Failed password for <*> from <*> port <*>"); // ssh2 has a digit
    assertThat(ids.subList(0, 3))
        .allSatisfy(id -> assertThat(miner.resolve(id)).isEqualTo(ids.get(0)));
  }

  @Test
  void quotedFreeTextOfAnyLengthBecomesOneVariable() {
    List<Long> ids = new ArrayList<>();
    for (String error :
        List.of(
            "timeout",
            "connection reset by peer",
            "no such host",
            "broken pipe",
            "access denied")) {
      ids.add(miner.add("level=error msg=\"handler failed\" error=\"" + error + "\"").templateId());
    }
    assertThat(ids.subList(3, 5)).containsOnly(ids.get(0));
    assertThat(miner.templateCount()).isEqualTo(1);
    assertThat(miner.templateText(ids.get(0))).isEqualTo("level=<*> msg=\"handler failed\" <*>");
    // Another message is another event.
    assertThat(miner.add("level=error msg=\"retry failed\" error=\"timeout\"").templateId())
        .isNotEqualTo(ids.get(0));
  }

  @Test
  void theFirstWordOfAShortTemplateStaysConstant() {
    for (String key : List.of("tickTime", "minSessionTimeout", "maxSessionTimeout", "initLimit")) {
      miner.add(key + " set to 5");
    }
    assertThat(miner.templateCount()).isEqualTo(4);
  }

  @Test
  void aTemplateOfWildcardsDoesNotSwallowWords() {
    long numbers = miner.add("12345").templateId();
    long word = miner.add("deleteHealthNotification()").templateId();
    long other = miner.add("closeNotification...").templateId();

    assertThat(word).isNotEqualTo(numbers);
    assertThat(other).isNotEqualTo(numbers).isNotEqualTo(word);
  }

  @Test
  void aWildcardInsideATokenMatchesWords() {
    long path = miner.add("LOGIN chdir(/p/gb1/x) failed: No such file or directory").templateId();
    long word = miner.add("LOGIN chdir(pwd) failed: No such file or directory").templateId();

    assertThat(word).isEqualTo(path);
  }

  @Test
  void aMoreGeneralNewTemplateAbsorbsTheOlderSpecificOne() {
    long admin = miner.add("Invalid user admin from 1.2.3.4").templateId();
    TemplateMatch numeric = miner.add("Invalid user 0 from 1.2.3.4");

    assertThat(numeric.templateId()).isEqualTo(admin);
    assertThat(numeric.change()).isEqualTo(TemplateMatch.Change.GENERALISED);
    assertThat(numeric.template()).isEqualTo("Invalid user <*> from <*>");
  }

  @Test
  void idsDependOnContentAndScopeNotOnArrivalOrder() {
    TemplateMiner other = new TemplateMiner("acme/checkout");
    other.add("something else first");
    long a = miner.add("connection closed by 1.2.3.4").templateId();
    long b = other.add("connection closed by 5.6.7.8").templateId();
    long c = new TemplateMiner("acme/payments").add("connection closed by 1.2.3.4").templateId();

    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void miningAfterRestoreGivesIdenticalIdsAndTemplates() throws IOException {
    List<String> stream = syntheticStream(4_000, 7);
    TemplateMiner live = new TemplateMiner("t/s");
    for (String line : stream.subList(0, 2_000)) {
      live.add(line);
    }
    TemplateMiner restored = roundTrip(live);
    assertThat(restored.templates()).isEqualTo(live.templates());

    for (String line : stream.subList(2_000, stream.size())) {
      TemplateMatch expected = live.add(line);
      TemplateMatch actual = restored.add(line);
      assertThat(actual).as(line).isEqualTo(expected);
    }
    assertThat(restored.templates()).isEqualTo(live.templates());
    assertThat(snapshotBytes(restored)).isEqualTo(snapshotBytes(live));
  }

  @Test
  void restoreRejectsAnUnknownFormat() {
    byte[] bad = {99};
    assertThatThrownBy(
            () -> TemplateMiner.restore(new DataInputStream(new ByteArrayInputStream(bad))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format 99");
  }

  @Test
  void templateCountIsBoundedByEvictingTheLeastRecentlyUsed() {
    TemplateMiner small = new TemplateMiner("t/s", new MinerConfig(2, 100, 4, 3));
    long keep = small.add("alpha beta gamma").templateId();
    small.add("one two three four");
    small.add("alpha beta gamma");
    small.add("five six");
    small.add("seven");

    assertThat(small.templateCount()).isEqualTo(3);
    assertThat(small.templateText(keep)).isEqualTo("alpha beta gamma");
    assertThat(small.templates())
        .extracting(TemplateMiner.TemplateInfo::template)
        .doesNotContain("one two three four");
  }

  /** Log-like lines from a few templates with numeric, word and path variables. */
  static List<String> syntheticStream(int n, long seed) {
    Random r = new Random(seed);
    String[] users = {"root", "admin", "oracle", "test", "guest", "ftp", "pi", "git", "www"};
    String[] states = {"NEW", "RUNNING", "SUCCEEDED", "FAILED"};
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(6)) {
        case 0 ->
            out.add(
                "Failed password for "
                    + users[r.nextInt(users.length)]
                    + " from 10.0."
                    + r.nextInt(255)
                    + "."
                    + r.nextInt(255)
                    + " port "
                    + r.nextInt(65535)
                    + " ssh2");
        case 1 ->
            out.add(
                "task_"
                    + r.nextInt(99)
                    + " Task Transitioned from "
                    + states[r.nextInt(4)]
                    + " to "
                    + states[r.nextInt(4)]);
        case 2 ->
            out.add(
                "Block broadcast_"
                    + r.nextInt(20)
                    + " stored as "
                    + (r.nextBoolean() ? "bytes" : "values")
                    + " in memory (estimated size "
                    + r.nextInt(500)
                    + ".0 KB, free "
                    + r.nextInt(900)
                    + ".5 MB)");
        case 3 ->
            out.add(
                "ciod: LOGIN chdir(/p/gb"
                    + r.nextInt(3)
                    + "/u"
                    + r.nextInt(40)
                    + ") failed: No such file or directory");
        case 4 ->
            out.add(
                "session opened for user "
                    + users[r.nextInt(users.length)]
                    + " by (uid="
                    + r.nextInt(1000)
                    + ")");
        default ->
            out.add(
                "Received disconnect from 1.2.3."
                    + r.nextInt(255)
                    + ": 11: "
                    + (r.nextBoolean() ? "Bye Bye [preauth]" : "disconnected by user"));
      }
    }
    return out;
  }

  private static TemplateMiner roundTrip(TemplateMiner m) throws IOException {
    return TemplateMiner.restore(new DataInputStream(new ByteArrayInputStream(snapshotBytes(m))));
  }

  private static byte[] snapshotBytes(TemplateMiner m) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    m.snapshot(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }
}
