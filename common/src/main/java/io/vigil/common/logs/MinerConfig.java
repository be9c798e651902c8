package io.vigil.common.logs;

/**
 * Parameters of the {@link TemplateMiner}: one generic configuration serves every log source.
 *
 * @param similarityThreshold fraction of positions a message must share with a template to join it
 * @param prefixDepth number of leading tokens that route a message in the parse tree (after its
 *     length)
 * @param maxChildren children per tree node before new tokens are routed to the wildcard child
 * @param maxTemplates templates kept per miner; beyond it the least recently matched is forgotten
 */
public record MinerConfig(
    double similarityThreshold, int prefixDepth, int maxChildren, int maxTemplates) {

  /** The configuration used for every dataset and in production. */
  public static final MinerConfig DEFAULT = new MinerConfig(0.5, 2, 100, 5_000);

  public MinerConfig {
    if (!(similarityThreshold > 0.0 && similarityThreshold <= 1.0)) {
      throw new IllegalArgumentException("similarityThreshold must be in (0, 1]");
    }
    if (prefixDepth < 0 || prefixDepth > 8) {
      throw new IllegalArgumentException("prefixDepth must be in [0, 8]");
    }
    if (maxChildren < 2) {
      throw new IllegalArgumentException("maxChildren must be at least 2");
    }
    if (maxTemplates < 1) {
      throw new IllegalArgumentException("maxTemplates must be positive");
    }
  }
}
