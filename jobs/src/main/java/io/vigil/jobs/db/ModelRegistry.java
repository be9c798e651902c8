package io.vigil.jobs.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.detect.AnomalyBuilder;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Records the detector a job runs in {@code ml_models}, so every anomaly can name its model. */
public final class ModelRegistry {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ModelRegistry() {}

  /** Upserts the model row (idempotent) and returns its id. */
  public static UUID register(VigilConfig config, DetectorFactory factory) throws SQLException {
    return register(config, factory.algorithm(), factory.version(), factory.hyperparameters());
  }

  /** Upserts a model that is not a per-series detector (the log window scorer). */
  public static UUID register(
      VigilConfig config, String algorithm, String version, Object hyperparameters)
      throws SQLException {
    UUID id = AnomalyBuilder.modelId(algorithm, version);
    String sql =
        "INSERT INTO ml_models (id, algorithm, version, hyperparameters, status)"
            + " VALUES (?::uuid, ?, ?, ?::jsonb, 'production')"
            + " ON CONFLICT (algorithm, version) DO UPDATE SET status = 'production'";
    try (Connection c = connect(config);
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, id.toString());
      st.setString(2, algorithm);
      st.setString(3, version);
      st.setString(4, MAPPER.writeValueAsString(hyperparameters));
      st.executeUpdate();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("hyperparameters must be JSON-serializable", e);
    }
    return id;
  }

  /** A plain JDBC connection for start-up work. */
  public static Connection connect(VigilConfig config) throws SQLException {
    return Postgres.connect(
        config.get(VigilOptions.PG_URL),
        config.get(VigilOptions.PG_USER),
        config.get(VigilOptions.PG_PASSWORD));
  }
}
