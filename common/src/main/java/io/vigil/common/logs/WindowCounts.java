package io.vigil.common.logs;

import java.util.HashMap;
import java.util.Map;

/**
 * What one (tenant, service) logged in one event-time window: events by level, events per template,
 * the templates created in the window, and the texts of the templates seen. Mutable; one per open
 * window.
 */
public final class WindowCounts {
  public long total;
  public long trace;
  public long debug;
  public long info;
  public long warn;
  public long error;
  public long fatal;
  public long unspecified;

  /** Events per (resolved at arrival) template id. */
  public Map<Long, Long> templates = new HashMap<>();

  /** Events per template created in this window. */
  public Map<Long, Long> created = new HashMap<>();

  /** Template text per id seen in this window. */
  public Map<Long, String> texts = new HashMap<>();

  /** Counts one event. */
  public void add(String level, long templateId, String template, boolean isNew) {
    total++;
    switch (level) {
      case LogLevels.TRACE -> trace++;
      case LogLevels.DEBUG -> debug++;
      case LogLevels.INFO -> info++;
      case LogLevels.WARN -> warn++;
      case LogLevels.ERROR -> error++;
      case LogLevels.FATAL -> fatal++;
      default -> unspecified++;
    }
    templates.merge(templateId, 1L, Long::sum);
    texts.put(templateId, template);
    if (isNew || created.containsKey(templateId)) {
      created.merge(templateId, 1L, Long::sum);
    }
  }

  /** ERROR and FATAL events. */
  public long errors() {
    return error + fatal;
  }
}
