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

  /** Live templates of each length in creation order, for the merge checks. */
  private final Map<Integer, List<Cluster>> byLength = new HashMap<>();

  /** Ids of templates merged into others, oldest first, mapped to the id they now belong to. */
  private final LinkedHashMap<Long, Long> aliases = new LinkedHashMap<>();

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

  /** Assigns already masked tokens (see {@link TokenMasker}) to a template. */
  public TemplateMatch addTokens(String[] tokens) {
    messages++;
    String key = cacheKey(tokens);
    Cluster hit = cache.get(key);
    if (hit == null) {
      hit = findCompatible(tokens);
      if (hit != null) {
        if (cache.size() >= CACHE_LIMIT) {
          cache.clear();
        }
        cache.put(key, hit);
      }
    }
    if (hit != null) {
      hit.size++;
      hit.lastSeen = messages;
      return new TemplateMatch(hit.id, hit.text(), TemplateMatch.Change.NONE);
    }
    Cluster created = create(tokens);
    Cluster survivor = settle(created);
    cache.clear();
    if (clusters.size() > config.maxTemplates()) {
      evictLeastRecent();
    }
    TemplateMatch.Change change =
        survivor == created ? TemplateMatch.Change.CREATED : TemplateMatch.Change.GENERALISED;
    return new TemplateMatch(survivor.id, survivor.text(), change);
  }

  /** The id a template id now stands for: itself, or the template it was merged into. */
  public long resolve(long templateId) {
    long id = templateId;
    for (int guard = 0; guard <= aliases.size(); guard++) {
      Long to = aliases.get(id);
      if (to == null) {
        return id;
      }
      id = to;
    }
    throw new IllegalStateException("alias cycle at " + TemplateIds.toHex(templateId));
  }

  /** The current text of a live template, or null when unknown or evicted. */
  public String templateText(long templateId) {
    Cluster c = clusters.get(resolve(templateId));
    return c == null ? null : c.text();
  }

  /** Live templates in creation order. */
  public List<TemplateInfo> templates() {
    List<TemplateInfo> out = new ArrayList<>(clusters.size());
    for (Cluster c : clusters.values()) {
      out.add(new TemplateInfo(c.id, c.text(), c.size));
    }
    return out;
  }

  /** One template as reported by {@link #templates()}. */
  public record TemplateInfo(long id, String template, long size) {}

  // ---------------------------------------------------------------- matching

  /**
   * The most specific template that covers {@code tokens} (every constant equal), oldest first on a
   * tie: first in the parse-tree leaf, then among all templates of the same length.
   */
  private Cluster findCompatible(String[] tokens) {
    Node node = roots.get(tokens.length);
    if (node == null) {
      return null;
    }
    int depth = Math.min(config.prefixDepth(), tokens.length);
    Node leaf = node;
    for (int d = 0; d < depth && leaf != null; d++) {
      Node next = leaf.children.get(tokens[d]);
      leaf = next != null ? next : leaf.children.get(W);
    }
    Cluster best = leaf == null ? null : bestCompatible(leaf.clusters, tokens);
    return best != null ? best : bestCompatible(byLength.get(tokens.length), tokens);
  }

  private static Cluster bestCompatible(List<Cluster> candidates, String[] tokens) {
    Cluster best = null;
    for (Cluster c : candidates) {
      int absorbed = absorbedWords(c.tokens, tokens);
      // A template may take in variable words only while its constants outnumber them, so a
      // template of wildcards does not swallow every message of its length.
      if (absorbed >= 0
          && absorbed <= c.constants
          && (best == null
              || c.constants > best.constants
              || (c.constants == best.constants && c.created < best.created))) {
        best = c;
      }
    }
    return best;
  }

  /**
   * How many words of {@code specific} fall on wildcards of {@code general}, or -1 when {@code
   * general} does not match {@code specific}.
   */
  static int absorbedWords(String[] general, String[] specific) {
    int absorbed = 0;
    for (int i = 0; i < general.length; i++) {
      String g = general[i];
      String t = specific[i];
      if (g == W) {
        if (t != W) {
          absorbed++;
        }
      } else if (!g.equals(t) && !tokenCovers(g, t)) {
        return -1;
      }
    }
    return absorbed;
  }

  /** Whether {@code general} matches everything {@code specific} matches. */
  static boolean covers(String[] general, String[] specific) {
    for (int i = 0; i < general.length; i++) {
      String g = general[i];
      if (g != W && !g.equals(specific[i]) && !tokenCovers(g, specific[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a token with wildcards inside, such as {@code chdir(<*>)}, matches {@code token}, each
   * wildcard standing for one or more characters.
   */
  static boolean tokenCovers(String pattern, String token) {
    if (pattern.length() <= W.length() || pattern.indexOf(W) < 0) {
      return false;
    }
    return glob(pattern, 0, token, 0);
  }

  private static boolean glob(String p, int pi, String t, int ti) {
    int star = p.indexOf(W, pi);
    if (star < 0) {
      return p.length() - pi == t.length() - ti && p.regionMatches(pi, t, ti, p.length() - pi);
    }
    int lit = star - pi;
    if (t.length() - ti < lit || !p.regionMatches(pi, t, ti, lit)) {
      return false;
    }
    int rest = star + W.length();
    for (int k = ti + lit + 1; k <= t.length(); k++) {
      if (glob(p, rest, t, k)) {
        return true;
      }
    }
    return false;
  }

  /** The more general of two tokens, or a wildcard when neither covers the other. */
  private static String joinToken(String a, String b) {
    if (a == W || a.equals(b) || tokenCovers(a, b)) {
      return a;
    }
    return tokenCovers(b, a) ? b : W;
  }

  /**
   * The one position where two templates hold different constant words, or -1 when they differ in
   * no position, in more than one, or where either has a wildcard.
   */
  static int singleWordDifference(String[] a, String[] b) {
    int at = -1;
    for (int i = 0; i < a.length; i++) {
      String x = a[i];
      String y = b[i];
      if (x == y || x.equals(y)) {
        continue;
      }
      if (at >= 0 || x == W || y == W) {
        return -1;
      }
      at = i;
    }
    return at;
  }

  // ---------------------------------------------------------------- online merging

  /**
   * Merges a new template with the templates of the same length it turned out to be a variant of,
   * until nothing changes: templates one covers the other of, and {@code variableAfter} templates
   * that differ in only one word position (that position becomes a wildcard). The oldest template
   * of a merge keeps its id; the others become aliases of it.
   */
  private Cluster settle(Cluster c) {
    while (true) {
      List<Cluster> bucket = byLength.get(c.tokens.length);
      List<Cluster> group = new ArrayList<>();
      group.add(c);
      for (Cluster s : bucket) {
        if (s != c && (covers(c.tokens, s.tokens) || covers(s.tokens, c.tokens))) {
          group.add(s);
        }
      }
      if (group.size() == 1) {
        Map<Integer, List<Cluster>> bySlot = new TreeMap<>();
        Cluster fresh = c;
        for (Cluster s : bucket) {
          int i = s == c ? -1 : singleWordDifference(c.tokens, s.tokens);
          // The first word usually names the event (Drain's assumption), so it becomes a variable
          // only in a template with at least three other constants.
          if (i >= 1 || (i == 0 && c.constants > 3)) {
            bySlot.computeIfAbsent(i, k -> new ArrayList<>(List.of(fresh))).add(s);
          }
        }
        for (List<Cluster> siblings : bySlot.values()) {
          if (siblings.size() >= config.variableAfter() && siblings.size() > group.size()) {
            group = siblings;
          }
        }
      }
      if (group.size() == 1 || !keepsEnoughConstants(group)) {
        return c;
      }
      c = merge(group);
    }
  }

  /**
   * A merge may not leave a template with fewer constants than wildcards: a message made only of
   * variables must not swallow every template of its length, nor short templates collapse.
   */
  private static boolean keepsEnoughConstants(List<Cluster> group) {
    String[] first = group.get(0).tokens;
    int constants = 0;
    for (int i = 0; i < first.length; i++) {
      String t = first[i];
      for (int g = 1; g < group.size() && t != W; g++) {
        t = joinToken(t, group.get(g).tokens[i]);
      }
      if (t != W) {
        constants++;
      }
    }
    return constants * 2 >= first.length;
  }

  private Cluster merge(List<Cluster> group) {
    Cluster survivor = group.get(0);
    for (Cluster g : group) {
      if (g.created < survivor.created) {
        survivor = g;
      }
    }
    String[] joined = survivor.tokens.clone();
    for (Cluster g : group) {
      for (int i = 0; i < joined.length; i++) {
        joined[i] = joinToken(joined[i], g.tokens[i]);
      }
    }
    for (Cluster g : group) {
      if (g == survivor) {
        continue;
      }
      removeCluster(g);
      survivor.size += g.size;
      survivor.lastSeen = Math.max(survivor.lastSeen, g.lastSeen);
      if (g.created < messages) {
        // Ids that were handed out before this message must keep resolving.
        aliases.put(g.id, survivor.id);
      }
    }
    while (aliases.size() > config.maxTemplates()) {
      aliases.remove(aliases.keySet().iterator().next());
    }
    unplace(survivor);
    survivor.setTokens(joined);
    survivor.path = routeForInsert(joined);
    place(survivor);
    return survivor;
  }

  // ---------------------------------------------------------------- tree maintenance

  private Cluster create(String[] tokens) {
    int salt = 0;
    long id = TemplateIds.templateId(scope, tokens, salt);
    while (clusters.containsKey(id) || aliases.containsKey(id)) {
      id = TemplateIds.templateId(scope, tokens, ++salt);
    }
    Cluster c = new Cluster(id, messages);
    c.setTokens(tokens.clone());
    c.path = routeForInsert(tokens);
    c.size = 1;
    c.lastSeen = messages;
    add(c);
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
      } else if (t == W || (node != null && node.children.size() >= config.maxChildren())) {
        key = W;
      } else {
        key = t;
      }
      path[d] = key;
      node = node == null ? null : node.children.get(key);
    }
    return path;
  }

  private void add(Cluster c) {
    clusters.put(c.id, c);
    byLength.computeIfAbsent(c.tokens.length, k -> new ArrayList<>()).add(c);
    place(c);
  }

  private void removeCluster(Cluster c) {
    clusters.remove(c.id);
    List<Cluster> bucket = byLength.get(c.tokens.length);
    bucket.remove(c);
    if (bucket.isEmpty()) {
      byLength.remove(c.tokens.length);
    }
    unplace(c);
    cache.clear();
  }

  private void place(Cluster c) {
    Node node = roots.computeIfAbsent(c.tokens.length, k -> new Node());
    for (String key : c.path) {
      node = node.children.computeIfAbsent(key, k -> new Node());
    }
    node.clusters.add(c);
  }

  /**
   * Takes {@code c} out of its leaf and prunes empty nodes, so the tree depends only on the live
   * templates.
   */
  private void unplace(Cluster c) {
    Node root = roots.get(c.tokens.length);
    Node[] trail = new Node[c.path.length + 1];
    trail[0] = root;
    for (int d = 0; d < c.path.length; d++) {
      trail[d + 1] = trail[d].children.get(c.path[d]);
    }
    trail[c.path.length].clusters.remove(c);
    for (int d = c.path.length; d >= 1; d--) {
      Node n = trail[d];
      if (n.clusters.isEmpty() && n.children.isEmpty()) {
        trail[d - 1].children.remove(c.path[d - 1]);
      }
    }
    if (root.clusters.isEmpty() && root.children.isEmpty()) {
      roots.remove(c.tokens.length);
    }
  }

  private void evictLeastRecent() {
    Cluster oldest = null;
    for (Cluster c : clusters.values()) {
      if (oldest == null || c.lastSeen < oldest.lastSeen) {
        oldest = c;
      }
    }
    removeCluster(oldest);
    long gone = oldest.id;
    aliases.values().removeIf(v -> v == gone);
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
    out.writeInt(config.prefixDepth());
    out.writeInt(config.maxChildren());
    out.writeInt(config.variableAfter());
    out.writeInt(config.maxTemplates());
    out.writeLong(messages);
    out.writeInt(clusters.size());
    for (Cluster c : clusters.values()) {
      out.writeLong(c.id);
      out.writeLong(c.created);
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
    MinerConfig config = new MinerConfig(in.readInt(), in.readInt(), in.readInt(), in.readInt());
    TemplateMiner m = new TemplateMiner(scope, config);
    m.messages = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      Cluster c = new Cluster(in.readLong(), in.readLong());
      c.size = in.readLong();
      c.lastSeen = in.readLong();
      c.path = new String[in.readUnsignedByte()];
      for (int d = 0; d < c.path.length; d++) {
        c.path[d] = readToken(in);
      }
      String[] tokens = new String[in.readInt()];
      for (int t = 0; t < tokens.length; t++) {
        tokens[t] = readToken(in);
      }
      c.setTokens(tokens);
      m.add(c);
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

    /** Number of the message that created it: orders templates for ties and merges. */
    final long created;

    String[] tokens;
    String[] path;
    int constants;
    long size;
    long lastSeen;
    private String text;

    Cluster(long id, long created) {
      this.id = id;
      this.created = created;
    }

    void setTokens(String[] tokens) {
      int k = 0;
      for (int i = 0; i < tokens.length; i++) {
        if (TokenMasker.isWildcard(tokens[i])) {
          tokens[i] = W; // one instance, so identity checks work
        } else {
          k++;
        }
      }
      this.tokens = tokens;
      this.constants = k;
      this.text = null;
    }

    String text() {
      if (text == null) {
        text = String.join(" ", tokens);
      }
      return text;
    }
  }
}
