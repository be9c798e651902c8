package io.vigil.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.junit.jupiter.api.Test;

class CloseSafeSinkTest {
  /** A writer that records calls and fails where told, like the JDBC writer with its DB down. */
  static final class FailingWriter
      implements StatefulSinkWriter<String, String>, CommittingSinkWriter<String, String> {
    final List<String> calls = new ArrayList<>();
    boolean failFlush;

    @Override
    public void write(String element, Context context) {
      calls.add("write " + element);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      calls.add("flush " + endOfInput);
      if (failFlush) {
        throw new IOException("connection refused");
      }
    }

    @Override
    public List<String> snapshotState(long checkpointId) {
      return List.of("state-" + checkpointId);
    }

    @Override
    public Collection<String> prepareCommit() {
      return List.of("commit");
    }

    @Override
    public void close() {
      calls.add("close");
      throw new RuntimeException("Writing records to JDBC failed.");
    }
  }

  @Test
  void delegatesEverythingAndFlushErrorsStillFailButCloseNeverThrows() throws Exception {
    FailingWriter w = new FailingWriter();
    var safe = new CloseSafeSink.Writer<String, String, String>(w);
    safe.write("a", null);
    assertThat(safe.snapshotState(7)).containsExactly("state-7");
    assertThat(safe.prepareCommit()).containsExactly("commit");
    w.failFlush = true;
    assertThatThrownBy(() -> safe.flush(false)).isInstanceOf(IOException.class);
    safe.close(); // the failure path: must not throw, or the TaskManager exits
    assertThat(w.calls).containsExactly("write a", "flush false", "close");
  }
}
