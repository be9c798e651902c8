package io.vigil.common.logs;

/**
 * Parameters of the {@link TemplateMiner}: one generic configuration serves every log source.
 *
 * @param prefixDepth number of leading tokens that route a message in the parse tree (after its
 *     length)
 * @param maxChildren children per tree node before new tokens are routed to the wildcard child
 * @param variableAfter number of templates that differ in exactly one word position (and agree
 *     everywhere else) at which that position is taken to be a variable and they merge
 * @param maxTemplates templates kept per miner; beyond it the least recently matched is forgotten
 */
public record MinerConfig(int prefixDepth, int maxChildren, int variableAfter, int maxTemplates) {

  /** The configuration used for every dataset and in production. */
  public static final MinerConfig DEFAULT = new MinerConfig(2, 100, 4, 5_000);

  public MinerConfig {
    if (prefixDepth < 0 || prefixDepth > 8) {
      throw new IllegalArgumentException("prefixDepth must be in [0, 8], was " + prefixDepth);
    }
    if (maxChildren < 2) {
      throw new IllegalArgumentException("maxChildren must be at least 2, was " + maxChildren);
    }
    if (variableAfter < 2) {
      throw new IllegalArgumentException("variableAfter must be at least 2, was " + variableAfter);
    }
    if (maxTemplates < 1) {
      throw new IllegalArgumentException("maxTemplates must be positive, was " + maxTemplates);
    }
  }
}
