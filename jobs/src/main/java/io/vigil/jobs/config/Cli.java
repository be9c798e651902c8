package io.vigil.jobs.config;

/** Shared start-up handling of the command-line entry points. */
public final class Cli {
  private Cli() {}

  /** Loads the configuration, or prints what to fix and exits with status 2. */
  public static VigilConfig configOrExit(String[] args) {
    try {
      return VigilConfig.fromArgs(args, System.getenv());
    } catch (VigilConfig.ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      throw e;
    }
  }
}
