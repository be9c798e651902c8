package io.vigil.common.detect;

import java.util.Map;

/**
 * A {@link DetectorFactory} whose hyperparameters are one record: its version is the detector's
 * state format and a digest of the hyperparameters, so a change to either is a new model version.
 *
 * @param <P> the detector's hyperparameter record
 */
public abstract class ParamsFactory<P extends Record> implements DetectorFactory {
  private static final long serialVersionUID = 1L;

  private final String algorithm;
  private final int format;
  private final P params;

  protected ParamsFactory(String algorithm, int format, P params) {
    this.algorithm = algorithm;
    this.format = format;
    this.params = params;
  }

  public P params() {
    return params;
  }

  @Override
  public String algorithm() {
    return algorithm;
  }

  @Override
  public String version() {
    return format + "-" + Versions.digest(hyperparameters());
  }

  @Override
  public Map<String, Object> hyperparameters() {
    return RecordParams.asMap(params);
  }
}
