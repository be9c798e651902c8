package io.vigil.common.logs;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * The error-group key ("error hash") of a log event: a stable 64-bit hash of tenant, service and
 * the (resolved) template id, so that the same kind of error is counted and alerted on as one group
 * across restarts, rescaling and job versions.
 */
public final class ErrorGroupKey {

  private static final long SEED = 0x4572_7247_726F_7570L; // "ErrGroup"

  private ErrorGroupKey() {}

  /**
   * The key of {@code templateId} in {@code tenant}/{@code service}. Pass the id after {@link
   * TemplateMiner#resolve} so that merged templates share one group.
   */
  public static long of(String tenant, String service, long templateId) {
    HashStream64 h = Hashing.xxh3_64(SEED).hashStream();
    h.putString(tenant);
    h.putString(service);
    h.putLong(templateId);
    return h.getAsLong();
  }

  /** The key as 16 hex digits, the form used in alerts and tables. */
  public static String hex(String tenant, String service, long templateId) {
    return TemplateIds.toHex(of(tenant, service, templateId));
  }
}
