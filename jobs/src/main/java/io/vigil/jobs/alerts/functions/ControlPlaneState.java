package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.ControlPlane;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import java.util.Objects;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The broadcast state holding the latest control-plane snapshot as JSON strings, and a per-task
 * cache of its parsed form that is rebuilt only when a new snapshot differs.
 *
 * <p>Until the broadcast input has delivered a snapshot (the state holds no rules, not even an
 * empty list), the control plane is read once through the {@link ControlBootstrap} and used until
 * the first broadcast snapshot arrives: elements that reach an operator before the control-plane
 * source's first poll are evaluated against the rules, not dropped as if there were none. A
 * restored state already holds the snapshot of its checkpoint and needs no read.
 */
public final class ControlPlaneState {
  /** Broadcast state "control-plane": rules, silences, acks and analyze-rules JSON by name. */
  public static final MapStateDescriptor<String, String> DESCRIPTOR =
      new MapStateDescriptor<>("control-plane", Types.STRING, Types.STRING);

  /** Key of the auto-analyze rules in the broadcast state (read by the incoming-alerts stage). */
  public static final String ANALYZE_RULES = "analyze-rules";

  /** Key of the inhibition rules in the broadcast state. */
  public static final String INHIBIT_RULES = "inhibit-rules";

  private String rules;
  private String silences;
  private String acks;
  private ControlPlane parsed = ControlPlane.EMPTY;
  private String inhibit;
  private final ControlBootstrap bootstrap;
  private ControlSnapshot bootstrapped;

  /** {@code bootstrap} reads the control plane when no snapshot has been broadcast yet. */
  public ControlPlaneState(ControlBootstrap bootstrap) {
    this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
  }

  /** Stores a snapshot; unchanged parts are not rewritten. */
  public static void store(BroadcastState<String, String> state, ControlSnapshot s)
      throws Exception {
    put(state, "rules", s.rulesJson());
    put(state, "silences", s.silencesJson());
    put(state, "acks", s.acksJson());
    put(state, ANALYZE_RULES, s.analyzeRulesJson());
    put(state, INHIBIT_RULES, s.inhibitRulesJson());
  }

  private static void put(BroadcastState<String, String> state, String k, String v)
      throws Exception {
    if (v != null && !v.equals(state.get(k))) {
      state.put(k, v);
    }
  }

  /** The parsed control plane of the current broadcast state. */
  public ControlPlane get(ReadOnlyBroadcastState<String, String> state) throws Exception {
    String r = state.get("rules");
    String s = state.get("silences");
    String a = state.get("acks");
    String i = state.get(INHIBIT_RULES);
    if (r == null) {
      if (bootstrapped == null) {
        bootstrapped = bootstrap.read();
      }
      r = bootstrapped.rulesJson();
      s = bootstrapped.silencesJson();
      a = bootstrapped.acksJson();
      i = bootstrapped.inhibitRulesJson();
    }
    if (!same(r, rules) || !same(s, silences) || !same(a, acks) || !same(i, inhibit)) {
      parsed = ControlPlane.parse(r, s, a, i);
      rules = r;
      silences = s;
      acks = a;
      inhibit = i;
    }
    return parsed;
  }

  private static boolean same(String x, String y) {
    return x == y || (x != null && x.equals(y));
  }
}
