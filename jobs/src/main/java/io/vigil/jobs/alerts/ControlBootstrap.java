package io.vigil.jobs.alerts;

import java.io.Serializable;

/**
 * Reads the control plane directly, for an operator that has to evaluate an element before the
 * broadcast control-plane input has delivered its first snapshot (a job started on a backlog: the
 * data sources can emit thousands of records before the control-plane source's first poll reaches
 * the operator). Throws when the control plane cannot be read, so the task fails and restarts
 * instead of evaluating those elements against no rules.
 */
@FunctionalInterface
public interface ControlBootstrap extends Serializable {
  /** The current control plane; never a snapshot with missing parts. */
  ControlSnapshot read();

  /** A fixed snapshot (tests). */
  static ControlBootstrap of(ControlSnapshot snapshot) {
    return () -> snapshot;
  }
}
