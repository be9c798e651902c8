package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {

  @Test
  void splitsHeaderFieldsAndContent() {
    LogFormat f = LogFormat.parse("<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>");
    Map<String, String> fields =
        f.split(
                "2015-10-18 18:01:47,978 INFO [main] org.apache.App: Created MRAppMaster for x: y\r")
            .orElseThrow();

    assertThat(f.fields())
        .containsExactly("Date", "Time", "Level", "Process", "Component", "Content");
    assertThat(fields)
        .containsEntry("Date", "2015-10-18")
        .containsEntry("Process", "main")
        .containsEntry("Component", "org.apache.App")
        .containsEntry("Content", "Created MRAppMaster for x: y");
  }

  @Test
  void spacesInTheFormatMatchAnyWhitespaceRun() {
    LogFormat f =
        LogFormat.parse("<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>");
    assertThat(
            f.content(
                "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200"))
        .contains("Notification time out: 3200");
  }

  @Test
  void literalSeparatorsOtherThanSpaceWork() {
    LogFormat f = LogFormat.parse("<Time>\\|<Component>\\|<Pid>\\|<Content>");
    assertThat(
            f.split("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579")
                .orElseThrow())
        .containsEntry("Pid", "30002312")
        .containsEntry("Content", "onStandStepChanged 3579");
    assertThat(f.regex()).isEqualTo("^(.*?)\\|(.*?)\\|(.*?)\\|(.*?)$");
  }

  @Test
  void aLineThatDoesNotFitGivesEmpty() {
    LogFormat f = LogFormat.parse("\\[<Time>\\] \\[<Level>\\] <Content>");
    assertThat(f.content("no brackets here")).isEmpty();
  }

  @Test
  void rejectsFormatsWithoutContentOrWithRepeatedFields() {
    assertThatThrownBy(() -> LogFormat.parse("<Date> <Time>")).hasMessageContaining("<Content>");
    assertThatThrownBy(() -> LogFormat.parse("<Date> <Date> <Content>"))
        .hasMessageContaining("repeated");
    assertThatThrownBy(() -> LogFormat.parse("<Date> [ <Content>"))
        .hasMessageContaining("not a valid pattern");
  }
}
