package io.vigil.jobs.drift;

/**
 * What the drift function keeps per resource: the last declared and actual state (JSON, null when
 * the resource is gone on that side), who changed each, and the open drift event if any.
 */
public record DriftState(
    boolean declaredKnown,
    String declaredJson,
    long declaredAt,
    String commit,
    boolean actualKnown,
    String actualJson,
    long actualAt,
    String changedBy,
    String resourceType,
    String service,
    String openId,
    long openSince,
    String openType,
    String openChangesJson,
    double openScore) {

  static final DriftState EMPTY =
      new DriftState(false, null, 0, "", false, null, 0, "", "", "", "", 0, "", "", 0);

  DriftState withOpen(String id, long since, String type, String changesJson, double score) {
    return new DriftState(
        declaredKnown,
        declaredJson,
        declaredAt,
        commit,
        actualKnown,
        actualJson,
        actualAt,
        changedBy,
        resourceType,
        service,
        id,
        since,
        type,
        changesJson,
        score);
  }
}
