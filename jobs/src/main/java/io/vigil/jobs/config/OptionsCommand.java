package io.vigil.jobs.config;

import org.apache.flink.configuration.ConfigOption;

/** {@code vigil options}: prints every option, its default and description as a Markdown table. */
public final class OptionsCommand {
  private OptionsCommand() {}

  public static void main(String[] args) {
    System.out.println("| option | default | description |");
    System.out.println("|---|---|---|");
    for (ConfigOption<?> o : VigilOptions.ALL) {
      String def = o.hasDefaultValue() ? String.valueOf(o.defaultValue()) : "";
      if (o.defaultValue() instanceof java.time.Duration d) {
        def = org.apache.flink.util.TimeUtils.formatWithHighestUnit(d);
      }
      System.out.printf("| `%s` | `%s` | %s |%n", o.key(), def, plain(o));
    }
  }

  private static String plain(ConfigOption<?> o) {
    return new org.apache.flink.configuration.description.HtmlFormatter().format(o.description());
  }
}
