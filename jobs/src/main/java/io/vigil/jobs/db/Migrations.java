package io.vigil.jobs.db;

import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the PostgreSQL migrations in {@code sql/migrations} (packaged as db/migration). */
public final class Migrations {
  private Migrations() {}

  /** Migrates the configured database to the newest schema; returns the applied count. */
  public static int migrate(VigilConfig config) {
    MigrateResult r =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(
                config.get(VigilOptions.PG_URL),
                config.get(VigilOptions.PG_USER),
                config.get(VigilOptions.PG_PASSWORD))
            .locations("classpath:db/migration")
            .connectRetries(10)
            .load()
            .migrate();
    return r.migrationsExecuted;
  }

  /** {@code vigil migrate}: applies the migrations and says what it did. */
  public static void main(String[] args) {
    VigilConfig config = Cli.configOrExit(args);
    int n = migrate(config);
    if (n > 0) {
      try (java.sql.Connection c = ModelRegistry.connect(config)) {
        AuditLog.write(
            c,
            AuditLog.actor(System.getenv()),
            "migrate",
            "schema",
            null,
            java.util.Map.of("applied", n));
      } catch (java.sql.SQLException e) {
        System.err.println(
            "vigil migrate: applied " + n + " but could not audit it: " + e.getMessage());
      }
    }
    System.out.println(
        "vigil migrate: " + n + " migration(s) applied to " + config.get(VigilOptions.PG_URL));
  }
}
