package io.vigil.common.drift;

/**
 * One report of a resource's state: what infrastructure as code declares (Terraform, a Kubernetes
 * manifest) or what the platform actually runs (a cloud inventory or the Kubernetes API).
 *
 * @param environment the environment (tenant) the resource lives in, e.g. {@code prod}
 * @param resource its address, unique in the environment ({@code aws_security_group.web})
 * @param declared true for the code's state, false for the running one
 * @param stateJson the resource's properties as a JSON object; null when it is gone (deleted from
 *     the code, or no longer running)
 * @param by who changed it: the commit of a declared state, the actor of an actual one (empty when
 *     unknown)
 * @param timestamp when the state was observed, epoch millis
 */
public record ResourceState(
    String environment,
    String resource,
    String type,
    String service,
    boolean declared,
    String stateJson,
    String by,
    long timestamp) {

  /** The key a resource's reports meet under: environment and address. */
  public String key() {
    return environment + '\u001f' + resource;
  }

  /** Whether the resource exists in this report. */
  public boolean present() {
    return stateJson != null;
  }
}
