package io.vigil.common.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Online log template miner: a Drain-style fixed-depth parse tree over generically masked tokens,
 * with online merging of templates that turn out to differ only in variable positions. One instance
 * holds the templates of one scope (a tenant and service), which is what a Flink job keeps in keyed
 * state; {@link #snapshot} and {@link #restore} give it a versioned binary form.
 *
 * <p>Each message gets its template id when it arrives. Ids derive from the scope and the
 * template's tokens at creation and never change when the template later generalises; when two
 * templates merge, the younger id becomes an alias of the older one ({@link #resolve}). See
 * docs/log-mining.md for the algorithm.
 *
 * <p>Not thread-safe: one instance per key, used by one operator thread.
 */
public final class TemplateMiner {

  static final byte FORMAT = 1;
  private static final String W = TokenMasker.WILDCARD;
  private static final int CACHE_LIMIT = 8_192;

  private final String scope;
  private final MinerConfig config;
  private final Map<Integer, Node> roots = new HashMap<>();

  /** Live templates in creation order; the order breaks ties and makes restore exact. */
  private final LinkedHashMap<Long, Cluster> clusters = new LinkedHashMap<>();

  /** Ids of templates merged into others, mapped to the id they now belong to. */
  private final TreeMap<Long, Long> aliases = new TreeMap<>();

  /**
   * Masked message to the template a full search chose without changing anything. Any structural
   * change clears it, so a hit always equals what a search would return; it is not state.
   */
  private final HashMap<String, Cluster> cache = new HashMap<>();

  private long messages;

  public TemplateMiner(String scope, MinerConfig config) {
    this.scope = scope;
    this.config = config;
  }

  /** A miner for {@code scope} with {@link MinerConfig#DEFAULT}. */
  public TemplateMiner(String scope) {
    this(scope, MinerConfig.DEFAULT);
  }

  public String scope() {
    return scope;
  }

  public MinerConfig config() {
    return config;
  }

  /** Number of live templates. */
  public int templateCount() {
    return clusters.size();
  }

  /** Assigns {@code content} (a message without its header) to a template. */
  public TemplateMatch add(String content) {
    return addTokens(TokenMasker.mask(content));
  }

  /** Assigns already masked tokens to a template. */
  public TemplateMatch addTokens(String[] tokens) {
    messages++;
    String key = cacheKey(tokens);
    Cluster hit = cache.get(key);
    if (hit != null) {
      hit.size++;
      hit.lastSeen = messages;
      return new TemplateMatch(hit.id, hit.text(), TemplateMatch.Change.NONE);
    }
    Cluster best = search(tokens);
    if (best == null) {
      Cluster created = create(tokens);
      return new TemplateMatch(created.id, created.text(), TemplateMatch.Change.CREATED);
    }
    best.size++;
    best.lastSeen = messages;
    if (best.generalise(tokens)) {
      cache.clear();
      Cluster survivor = mergeIfVariant(best);
      return new TemplateMatch(survivor.id, survivor.text(), TemplateMatch.Change.GENERALISED);
    }
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(key, best);
    return new TemplateMatch(best.id, best.text(), TemplateMatch.Change.NONE);
  }

  /** The id a template id now stands for: itself, or the template it was merged into. */
  public long resolve(long templateId) {
    Long to = aliases.get(templateId);
    long id = templateId;
    while (to != null) {
      id = to;
      to = aliases.get(id);
    }
    return id;
  }

  /** The current text of a live template, or null when unknown or evicted. */
  public String templateText(long templateId) {
    Cluster c = clusters.get(resolve(templateId));
    return c == null ? null : c.text();
  }

  /** Live templates in creation order, as (id, text, size) snapshots. */
  public List<TemplateInfo> templates() {
    List<TemplateInfo> out = new ArrayList<>(clusters.size());
    for (Cluster c : clusters.values()) {
      out.add(new TemplateInfo(c.id, c.text(), c.size));
    }
    return out;
  }

  /** One template as reported by {@link #templates()}. */
  public record TemplateInfo(long id, String template, long size) {}

  // ---------------------------------------------------------------- search and creation

  private Cluster search(String[] tokens) {
    Node node = roots.get(tokens.length);
    if (node == null) {
      return null;
    }
    int depth = Math.min(config.prefixDepth(), tokens.length);
    for (int d = 0; d < depth && node != null; d++) {
      String t = tokens[d];
      Node next = node.children.get(t);
      node = next != null ? next : node.children.get(W);
    }
    if (node == null) {
      return null;
    }
    Cluster best = null;
    double bestSim = -1.0;
    for (Cluster c : node.clusters) {
      double sim = similarity(c.tokens, tokens);
      if (sim > bestSim) {
        bestSim = sim;
        best = c;
      }
    }
    return bestSim >= config.similarityThreshold() ? best : null;
  }

  static double similarity(String[] template, String[] tokens) {
    int n = template.length;
    if (n == 0) {
      return 1.0;
    }
    int same = 0;
    for (int i = 0; i < n; i++) {
      String a = template[i];
      String b = tokens[i];
      if (a == b || a.equals(b)) {
        same++;
      }
    }
    return (double) same / n;
  }

  private Cluster create(String[] tokens) {
    String[] path = routeForInsert(tokens);
    int salt = 0;
    long id = TemplateIds.templateId(scope, tokens, salt);
    while (clusters.containsKey(id) || aliases.containsKey(id)) {
      id = TemplateIds.templateId(scope, tokens, ++salt);
    }
    Cluster c = new Cluster(id, tokens.clone(), path);
    c.size = 1;
    c.lastSeen = messages;
    insert(c);
    cache.clear();
    if (clusters.size() > config.maxTemplates()) {
      evictLeastRecent();
    }
    return c;
  }

  private String[] routeForInsert(String[] tokens) {
    int depth = Math.min(config.prefixDepth(), tokens.length);
    String[] path = new String[depth];
    Node node = roots.get(tokens.length);
    for (int d = 0; d < depth; d++) {
      String t = tokens[d];
      String key;
      if (node != null && node.children.containsKey(t)) {
        key = t;
      } else if (TokenMasker.isWildcard(t)
          || (node != null && node.children.size() >= config.maxChildren())) {
        key = W;
      } else {
        key = t;
      }
      path[d] = key;
      node = node == null ? null : node.children.get(key);
    }
    return path;
  }

  private void insert(Cluster c) {
    Node node = roots.computeIfAbsent(c.tokens.length, k -> new Node());
    for (String key : c.path) {
      node = node.children.computeIfAbsent(key, k -> new Node());
    }
    node.clusters.add(c);
    clusters.put(c.id, c);
  }

  private void remove(Cluster c) {
    clusters.remove(c.id);
    Node root = roots.get(c.tokens.length);
    List<Node> trail = new ArrayList<>();
    Node node = root;
    trail.add(node);
    for (String key : c.path) {
      node = node.children.get(key);
      trail.add(node);
    }
    node.clusters.remove(c);
    // Prune empty nodes so the tree stays a function of the live templates (exact restore).
    for (int d = c.path.length; d >= 1; d--) {
      Node n = trail.get(d);
      if (n.clusters.isEmpty() && n.children.isEmpty()) {
        trail.get(d - 1).children.remove(c.path[d - 1]);
      }
    }
    if (root.clusters.isEmpty() && root.children.isEmpty()) {
      roots.remove(c.tokens.length);
    }
    cache.clear();
  }

  private void evictLeastRecent() {
    Cluster oldest = null;
    for (Cluster c : clusters.values()) {
      if (oldest == null || c.lastSeen < oldest.lastSeen) {
        oldest = c;
      }
    }
    remove(oldest);
    long gone = oldest.id;
    aliases.values().removeIf(v -> v == gone);
  }

  // ---------------------------------------------------------------- online merging

  /** Hook for merging a generalised template into an older equivalent; returns the survivor. */
  private Cluster mergeIfVariant(Cluster changed) {
    return changed;
  }

  private static String cacheKey(String[] tokens) {
    StringBuilder sb = new StringBuilder(tokens.length * 8);
    for (String t : tokens) {
      sb.append(t).append('\u0001');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- state

  /** Writes the miner's whole state (format {@value #FORMAT}). */
  public void snapshot(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    writeString(out, scope);
    out.writeDouble(config.similarityThreshold());
    out.writeInt(config.prefixDepth());
    out.writeInt(config.maxChildren());
    out.writeInt(config.maxTemplates());
    out.writeLong(messages);
    out.writeInt(clusters.size());
    for (Cluster c : clusters.values()) {
      out.writeLong(c.id);
      out.writeLong(c.size);
      out.writeLong(c.lastSeen);
      out.writeByte(c.path.length);
      for (String p : c.path) {
        writeToken(out, p);
      }
      out.writeInt(c.tokens.length);
      for (String t : c.tokens) {
        writeToken(out, t);
      }
    }
    out.writeInt(aliases.size());
    for (Map.Entry<Long, Long> e : aliases.entrySet()) {
      out.writeLong(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  /** Reads a miner written by {@link #snapshot}. */
  public static TemplateMiner restore(DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown template miner state format " + format);
    }
    String scope = readString(in);
    MinerConfig config = new MinerConfig(in.readDouble(), in.readInt(), in.readInt(), in.readInt());
    TemplateMiner m = new TemplateMiner(scope, config);
    m.messages = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      long id = in.readLong();
      long size = in.readLong();
      long lastSeen = in.readLong();
      String[] path = new String[in.readUnsignedByte()];
      for (int d = 0; d < path.length; d++) {
        path[d] = readToken(in);
      }
      String[] tokens = new String[in.readInt()];
      for (int t = 0; t < tokens.length; t++) {
        tokens[t] = readToken(in);
      }
      Cluster c = new Cluster(id, tokens, path);
      c.size = size;
      c.lastSeen = lastSeen;
      m.insert(c);
    }
    int a = in.readInt();
    for (int i = 0; i < a; i++) {
      m.aliases.put(in.readLong(), in.readLong());
    }
    return m;
  }

  private static void writeToken(DataOutput out, String t) throws IOException {
    if (TokenMasker.isWildcard(t)) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      writeString(out, t);
    }
  }

  private static String readToken(DataInput in) throws IOException {
    return in.readByte() == 0 ? W : readString(in);
  }

  private static void writeString(DataOutput out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInput in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- internals

  private static final class Node {
    final Map<String, Node> children = new HashMap<>();
    final List<Cluster> clusters = new ArrayList<>(2);
  }

  private static final class Cluster {
    final long id;
    final String[] tokens;
    final String[] path;
    long size;
    long lastSeen;
    private String text;

    Cluster(long id, String[] tokens, String[] path) {
      this.id = id;
      this.tokens = tokens;
      this.path = path;
    }

    /** Turns positions where {@code other} differs into wildcards; true when anything changed. */
    boolean generalise(String[] other) {
      boolean changed = false;
      for (int i = 0; i < tokens.length; i++) {
        String a = tokens[i];
        if (a != W && !a.equals(other[i])) {
          tokens[i] = W;
          changed = true;
        }
      }
      if (changed) {
        text = null;
      }
      return changed;
    }

    String text() {
      if (text == null) {
        text = String.join(" ", tokens);
      }
      return text;
    }
  }
}
