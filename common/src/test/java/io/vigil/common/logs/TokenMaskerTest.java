package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenMaskerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      textBlock =
          """
          PacketResponder 1 for block blk_-6952295868487656571 terminating => PacketResponder <*> for block <*> terminating
          Received connection request /10.10.34.11:45307 => Received connection request <*>
          connect to 10.251.73.220:50010 ok => connect to <*> ok
          id 0x14ede63a5a70000 and 7f3a9c2e-3b1d-4c55-9a0e-2b7c1d9e8f00 => id <*> and <*>
          mac FF:F2:9F:16:E2:23:00:0D:60:E9:1D:DC seen => mac <*> seen
          addr fe80::1ff:fe23:4567:890a up => addr <*> up
          fetch http://example.com/a?b=c done => fetch <*> done
          open /etc/httpd/conf/workers2.properties => open <*>
          open ./runtime_malloc and ~/bin/x => open <*> and <*>
          path C:\\Windows\\system32 => path <*>
          mail to ops@example.com => mail to <*>
          logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4 => logname= uid=<*> euid=<*> tty=<*> ruser= rhost=<*>
          size=42, free=17 => size=<*>, free=<*>
          at [173.234.31.186] failed => at [<*>] failed
          disconnect from 1.2.3.4: 11: Bye => disconnect from <*>: <*>: Bye
          on Fri Jul 01 08:16:53 PDT 2005 => on <*> PDT <*>
          estimated size 5.2 KB, free 317.5 MB) => estimated size <*>, free <*>)
          took 12 ms => took <*>
          sent 1190 bytes (1.16 KB) => sent <*> (<*>)
          interrupt caused by dcbf.........0 => interrupt caused by dcbf.........<*>
          chdir(/p/gb2/glosli/t800) failed => chdir(<*>) failed
          ask 1.2.3.4:50010 to delete blk_1 blk_2 blk_3 => ask <*> to delete <*>
          Tue maybe => <*> maybe
          may be ssh2 => may be <*>
          plain words only => plain words only
          level=error msg="disk is full" path=/var/lib => level=<*> msg="disk is full" path=<*>
          agent "Mozilla/5.0 (X11; Linux x86_64) Gecko" done => agent "<*> (<*>; Linux <*>) Gecko" done
          say "hello world => say "hello world
          lifetime <1 sec => lifetime <*>
          lifetime 58 sec => lifetime <*>
          lifetime 00:01 => lifetime <*>
          waited (5 sec => waited (<*>
          """)
  void masksVariablePartsGenerically(String content, String expected) {
    assertThat(String.join(" ", TokenMasker.mask(content.replace("\\\\", "\\"))))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      textBlock =
          """
          onReceive => onReceive
          action:android.intent.action.SCREEN_ON => action:android.intent.action.SCREEN_ON
          read/write => read/write
          key=value => key=<*>
          key= => key=
          a1=5 => <*>
          host.example.com:443, => <*>
          (estimated => (estimated
          <1 => <*>
          ~5, => <*>,
          """)
  void masksSingleTokens(String token, String expected) {
    assertThat(TokenMasker.maskToken(token)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void quotedTextWithSpacesIsOnePosition() {
    // A quoted value keeps the message's length whatever its number of words, so a template can
    // learn that position is variable; an unclosed quote is an ordinary character.
    assertThat(TokenMasker.mask("error=\"connection refused\" retry")).hasSize(2);
    assertThat(TokenMasker.mask("error=\"no route to host 10.0.0.1\" retry"))
        .containsExactly("error=\"no route to host <*>\"", "retry");
    assertThat(TokenMasker.mask("a \"b c")).containsExactly("a", "\"b", "c");
    // A later quote that never closes leaves the token where its text begins.
    assertThat(TokenMasker.mask("k=\"x y\",z=\"w v")).containsExactly("k=\"x y\",z=\"w", "v");
    // An escaped quote does not close the quoted text.
    assertThat(TokenMasker.mask("said \"a \\\"b c\\\" d\" ok")).hasSize(3);
  }

  @org.junit.jupiter.api.Test
  void whitespaceRunsTabsAndCarriageReturnsSeparateTokens() {
    assertThat(TokenMasker.mask("  a\t b \r\n")).containsExactly("a", "b");
    assertThat(TokenMasker.mask("")).isEmpty();
    assertThat(TokenMasker.mask("42")[0]).isSameAs(TokenMasker.WILDCARD);
  }
}
