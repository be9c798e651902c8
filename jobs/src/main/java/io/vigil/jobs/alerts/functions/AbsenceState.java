package io.vigil.jobs.alerts.functions;

import io.vigil.common.rules.RuleEvent;

/**
 * What the deadman remembers per (rule, series or source): the last event, when it was seen
 * (processing time), the pending deadline timer and whether absence was reported.
 */
public record AbsenceState(RuleEvent last, long seenAt, long deadline, boolean absent) {}
