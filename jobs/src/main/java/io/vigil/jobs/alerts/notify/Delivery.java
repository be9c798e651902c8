package io.vigil.jobs.alerts.notify;

/** The outcome of one delivery attempt; {@code retryable} failures are tried again. */
public record Delivery(boolean ok, boolean retryable, int status, String detail) {

  public static Delivery ofHttp(int status) {
    boolean ok = status >= 200 && status < 300;
    boolean retry = status == 408 || status == 429 || status >= 500;
    return new Delivery(ok, !ok && retry, status, "http " + status);
  }

  public static Delivery error(Throwable t) {
    return new Delivery(false, true, 0, t.getClass().getSimpleName());
  }
}
