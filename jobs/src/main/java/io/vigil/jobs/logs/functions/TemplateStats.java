package io.vigil.jobs.logs.functions;

/**
 * What the job keeps per template for {@code log_templates}: text, first example, first and last
 * event time, events, and whether the row changed since it was last written.
 */
public record TemplateStats(
    String template, String example, long firstSeen, long lastSeen, long count, boolean dirty) {

  TemplateStats seen(String text, long t) {
    return new TemplateStats(
        text, example, Math.min(firstSeen, t), Math.max(lastSeen, t), count + 1, true);
  }

  TemplateStats absorb(TemplateStats o) {
    return new TemplateStats(
        template,
        firstSeen <= o.firstSeen ? example : o.example,
        Math.min(firstSeen, o.firstSeen),
        Math.max(lastSeen, o.lastSeen),
        count + o.count,
        true);
  }

  TemplateStats clean() {
    return new TemplateStats(template, example, firstSeen, lastSeen, count, false);
  }
}
