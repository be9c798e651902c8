package io.vigil.common.logs;

/**
 * What the miner decided for one message.
 *
 * @param templateId stable id of the template the message joined (see {@link TemplateIds})
 * @param template the template text at that moment, tokens joined by one space
 * @param change whether the message created the template, generalised it, or neither
 */
public record TemplateMatch(long templateId, String template, Change change) {

  /** How a message changed the miner's templates. */
  public enum Change {
    /** The message matched a template without changing it. */
    NONE,
    /** The message started a new template. */
    CREATED,
    /** The message joined a template and turned some of its tokens into wildcards. */
    GENERALISED
  }

  /** The template id as the 16 hex digits used in CSV output and alerts. */
  public String templateIdHex() {
    return TemplateIds.toHex(templateId);
  }
}
