package org.siteconnect.gateway.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration, read once at start-up from {@code conf/config.json} (or {@code -conf FILE}) with
 * environment overrides applied. Every key has a default that starts a working single node; a bad value
 * fails with a {@link ConfigException} naming the key.
 */
public record GatewayConfig(Http http, Bridge bridge, Topics topics, Sessions sessions, ClientRetry client,
                            AclGrants acl, Agents agents, Chat chat, Cobrowse cobrowse, Data data, Api api, Ops ops,
                            Cluster cluster, List<Site> sites, Limits limits) {

  /** Environment variables that override single keys (documented in the README). */
  public static final Map<String, String> ENV_OVERRIDES = Map.ofEntries(
      Map.entry("SC_HTTP_HOST", "http.host"),
      Map.entry("SC_HTTP_PORT", "http.port"),
      Map.entry("SC_PUBLIC_ORIGIN", "http.publicOrigin"),
      Map.entry("SC_TRANSPORT", "http.transport"),
      Map.entry("SC_MAX_SESSIONS", "sessions.maxSessions"),
      Map.entry("SC_SOCKETS_PER_ADDRESS", "limits.socketsPerAddress"),
      Map.entry("SC_SESSIONS_PER_ADDRESS", "limits.sessionsPerAddress"),
      Map.entry("SC_METRICS_TOKEN", "ops.metricsToken"),
      Map.entry("SC_DATA_DIR", "data.dir"),
      Map.entry("SC_CLUSTER", "cluster.enabled"),
      Map.entry("SC_CLUSTER_PORT", "cluster.port"),
      Map.entry("SC_CLUSTER_MEMBERS", "cluster.members"),
      Map.entry("SC_PG_PORT", "data.postgres.port"),
      Map.entry("SC_PG_PASSWORD", "data.postgres.password"));

  /**
   * {@code transport}: the node's socket transport, one of {@link #TRANSPORTS} (HTTP and the cluster bus).
   * {@code trustedProxies}: addresses or CIDRs of load balancers whose {@code X-Forwarded-For}/{@code Forwarded}
   * name the client. {@code headerTimeoutSeconds}: time to send a request's headers; {@code idleTimeoutSeconds}:
   * an HTTP keep-alive connection with no request open is closed after this (WebSockets: the bridge ping timeout).
   */
  public record Http(String host, int port, String publicOrigin, int maxBodyBytes, String transport,
                     List<String> trustedProxies, int headerTimeoutSeconds, int idleTimeoutSeconds) {}

  /** Per client address (behind {@code http.trustedProxies}, the forwarded one): open sockets, live page sessions. */
  public record Limits(int socketsPerAddress, int sessionsPerAddress) {}

  public static final List<String> TRANSPORTS = List.of("auto", "nio", "epoll");

  /** Limits on what one SockJS connection may push at us. */
  public record Bridge(long pingTimeoutMs, long sessionTimeoutMs, int maxFrameBytes, int maxHandlersPerSocket,
                       int maxMessagesPerSecond, int maxSubscriptionsPerSession) {}

  /**
   * {@code retainedMax*}: the cap of each of the two retained budgets (what pages publish, what the server
   * publishes); {@code retainedPerSession*}: one page session's share of the page budget.
   */
  public record Topics(int maxBytes, int maxLevels, int retainedMaxMessages, long retainedMaxBytes,
                       int retainedPerSessionMaxMessages, int retainedPerSessionMaxBytes) {}

  public record Sessions(int codeLength, int codeTtlSeconds, int maxSessions) {}

  /** How the frame backs off when the gateway is busy or unreachable. */
  public record ClientRetry(int retryMax, long retryBaseMs, long retryMaxMs) {}

  /** Patterns a page may subscribe to / publish on among the global topics (DESIGN §3.2). */
  public record AclGrants(List<String> subscribe, List<String> publish) {}

  /**
   * Agent accounts and logins. Password checks run on {@code loginHashThreads} threads, at most
   * {@code loginHashesPerAddress} waiting or running per client address, addresses served in turn.
   */
  public record Agents(long tokenTtlSeconds, int disconnectGraceSeconds, int maxChatsDefault,
                       int passwordIterations, int loginMaxFailures, int loginMaxFailuresPerAddress,
                       int loginLockoutSeconds, int loginHashThreads, int loginHashesPerAddress) {}

  /** Chat limits and transcript retention. */
  public record Chat(int maxMessageBytes, int maxMessagesPerMinute, int retentionDays) {}

  /**
   * Operations: the {@code /metrics} bearer token (no token: the endpoint is off), how long a SIGTERM drain may
   * take, audit retention and how much of a client address the audit log keeps (full, truncated or none).
   */
  public record Ops(String metricsToken, int drainSeconds, long auditRetentionSeconds, String auditAddresses) {}

  /**
   * Code-guessing limits (DESIGN §4): straight failures per agent, lockout base and cap, failures per agent and per
   * site in any hour (README "Security" explains how they combine).
   */
  public record Cobrowse(int maxStraightFailures, int lockoutBaseSeconds, int maxFailuresPerSiteHour,
                         int lockoutMaxSeconds, int maxFailuresPerAgentHour) {}

  /**
   * Where durable data lives: the embedded database under {@code dir} (single node), or PostgreSQL when
   * clustered ({@code postgres} is required then).
   */
  public record Data(String dir, Postgres postgres) {}

  /** A PostgreSQL server for clustered nodes; the password usually comes from {@code SC_PG_PASSWORD}. */
  public record Postgres(String host, int port, String database, String user, String password, int poolSize) {}

  /**
   * Cluster mode (DESIGN §9): Hazelcast on {@code host}:{@code port} finding its peers among {@code members}
   * (host or host:port, TCP only, no multicast); heartbeats tuned so a dead node is noticed in seconds.
   */
  public record Cluster(boolean enabled, String name, String host, int port, List<String> members,
                        int eventBusPort, int heartbeatSeconds, int maxNoHeartbeatSeconds) {}

  /** Backend API keys for {@code POST /api/v1/publish}: only the SHA-256 of each key is configured. */
  public record Api(List<ApiKey> keys) {}

  public record ApiKey(String name, String sha256, List<String> publish) {}

  /** A chat button of a site. */
  public record Button(String id, String name) {}

  /** A customer site: its key (the {@code data-code} in the page), the exact origins its pages live on, its buttons. */
  public record Site(String key, String name, List<String> origins, List<Button> buttons, boolean cobrowseConsent) {
    public Optional<Button> button(String id) {
      return buttons.stream().filter(b -> b.id().equals(id)).findFirst();
    }
  }

  public Optional<Site> site(String key) {
    return sites.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  /** Reads the tree; throws {@link ConfigException} on the first bad key. */
  public static GatewayConfig from(JsonObject json) {
    ConfigReader root = new ConfigReader(json, "");
    root.allowOnly("http", "bridge", "topics", "sessions", "client", "acl", "agents", "chat", "cobrowse", "data", "api", "ops",
        "cluster", "sites", "limits");
    GatewayConfig config = new GatewayConfig(http(root.child("http")), bridge(root.child("bridge")),
        topics(root.child("topics")), sessions(root.child("sessions")), client(root.child("client")),
        acl(root.child("acl")), agents(root.child("agents")), chat(root.child("chat")),
        cobrowse(root.child("cobrowse")), data(root.child("data")), api(root), ops(root.child("ops")),
        cluster(root.child("cluster")), sites(root), limits(root.child("limits")));
    if (config.cluster().enabled() && config.data().postgres() == null) {
      throw new ConfigException("data.postgres", "is required in cluster mode: clustered nodes keep agents, "
          + "transcripts and the audit log in one PostgreSQL database");
    }
    return config;
  }

  private static Http http(ConfigReader r) {
    r.allowOnly("host", "port", "publicOrigin", "maxBodyBytes", "transport", "trustedProxies", "headerTimeoutSeconds",
        "idleTimeoutSeconds");
    String host = r.nonBlank("host", "0.0.0.0");
    int port = r.integer("port", 8080, 0, 65_535);
    String publicOrigin = r.string("publicOrigin", port == 80 ? "http://localhost" : "http://localhost:" + port);
    requireOrigin(r.key("publicOrigin"), publicOrigin);
    String transport = r.string("transport", "auto");
    if (!TRANSPORTS.contains(transport)) {
      throw new ConfigException(r.key("transport"), "must be one of " + String.join(", ", TRANSPORTS));
    }
    List<String> proxies = r.stringsOrCsv("trustedProxies", List.of());
    for (int i = 0; i < proxies.size(); i++) {
      try {
        org.siteconnect.gateway.net.AddressRange.parse(proxies.get(i));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(r.key("trustedProxies") + "[" + i + "]", e.getMessage());
      }
    }
    return new Http(host, port, publicOrigin, r.integer("maxBodyBytes", 64 * 1024, 1024, 16 * 1024 * 1024),
        transport, proxies, r.integer("headerTimeoutSeconds", 10, 1, 3600), r.integer("idleTimeoutSeconds", 60, 1, 86_400));
  }

  private static Bridge bridge(ConfigReader r) {
    r.allowOnly("pingTimeoutMs", "sessionTimeoutMs", "maxFrameBytes", "maxHandlersPerSocket",
        "maxMessagesPerSecond", "maxSubscriptionsPerSession");
    // Hidden tabs throttle timers in cross-origin frames to one a minute: 90 s is the floor (DESIGN §5).
    return new Bridge(
        r.number("pingTimeoutMs", 120_000, 90_000, 3_600_000),
        r.number("sessionTimeoutMs", 120_000, 90_000, 3_600_000),
        r.integer("maxFrameBytes", 64 * 1024, 1024, 16 * 1024 * 1024),
        r.integer("maxHandlersPerSocket", 4, 1, 1000),
        r.integer("maxMessagesPerSecond", 100, 1, 100_000),
        r.integer("maxSubscriptionsPerSession", 200, 1, 100_000));
  }

  private static Topics topics(ConfigReader r) {
    r.allowOnly("maxBytes", "maxLevels", "retainedMaxMessages", "retainedMaxBytes", "retainedPerSessionMaxMessages",
        "retainedPerSessionMaxBytes");
    return new Topics(
        r.integer("maxBytes", 65_535, 1, 65_535),
        r.integer("maxLevels", 32, 1, 1024),
        r.integer("retainedMaxMessages", 100_000, 0, 10_000_000),
        r.number("retainedMaxBytes", 64L * 1024 * 1024, 0, Long.MAX_VALUE),
        r.integer("retainedPerSessionMaxMessages", 32, 0, 100_000),
        r.integer("retainedPerSessionMaxBytes", 64 * 1024, 0, 64 * 1024 * 1024));
  }

  private static Sessions sessions(ConfigReader r) {
    r.allowOnly("codeLength", "codeTtlSeconds", "maxSessions");
    return new Sessions(
        r.integer("codeLength", 6, 4, 12),
        r.integer("codeTtlSeconds", 20 * 60, 10, 7 * 24 * 3600),
        r.integer("maxSessions", 20_000, 0, 10_000_000));
  }

  private static Limits limits(ConfigReader r) {
    r.allowOnly("socketsPerAddress", "sessionsPerAddress");
    return new Limits(r.integer("socketsPerAddress", 200, 1, 10_000_000),
        r.integer("sessionsPerAddress", 100, 1, 10_000_000));
  }

  private static ClientRetry client(ConfigReader r) {
    r.allowOnly("retryMax", "retryBaseMs", "retryMaxMs");
    ClientRetry c = new ClientRetry(
        r.integer("retryMax", 8, 0, 1000),
        r.number("retryBaseMs", 1000, 10, 600_000),
        r.number("retryMaxMs", 30_000, 10, 3_600_000));
    if (c.retryMaxMs() < c.retryBaseMs()) {
      throw new ConfigException(r.key("retryMaxMs"), "must not be smaller than retryBaseMs");
    }
    return c;
  }

  private static AclGrants acl(ConfigReader r) {
    r.allowOnly("subscribe", "publish");
    return new AclGrants(r.strings("subscribe", List.of()), r.strings("publish", List.of()));
  }

  private static Agents agents(ConfigReader r) {
    r.allowOnly("tokenTtlSeconds", "disconnectGraceSeconds", "maxChatsDefault", "passwordIterations",
        "loginMaxFailures", "loginMaxFailuresPerAddress", "loginLockoutSeconds", "loginHashThreads",
        "loginHashesPerAddress");
    return new Agents(
        r.number("tokenTtlSeconds", 8 * 3600, 1, 30L * 24 * 3600),
        r.integer("disconnectGraceSeconds", 60, 0, 3600),
        r.integer("maxChatsDefault", 3, 1, 100),
        // OWASP's 2023 figure for PBKDF2-HMAC-SHA512; tests may lower it, never below 10,000.
        r.integer("passwordIterations", 210_000, 10_000, 10_000_000),
        r.integer("loginMaxFailures", 5, 1, 1000),
        r.integer("loginMaxFailuresPerAddress", 20, 1, 100_000),
        r.integer("loginLockoutSeconds", 300, 1, 86_400),
        r.integer("loginHashThreads", 2, 1, 64),
        r.integer("loginHashesPerAddress", 2, 1, 1000));
  }

  private static Chat chat(ConfigReader r) {
    r.allowOnly("maxMessageBytes", "maxMessagesPerMinute", "retentionDays");
    return new Chat(
        r.integer("maxMessageBytes", 4096, 16, 16_384),
        r.integer("maxMessagesPerMinute", 30, 1, 10_000),
        r.integer("retentionDays", 90, 1, 3650));
  }

  private static Ops ops(ConfigReader r) {
    r.allowOnly("metricsToken", "drainSeconds", "auditRetentionSeconds", "auditAddresses");
    String token = r.string("metricsToken", null);
    if (token != null && token.length() < 16) {
      throw new ConfigException(r.key("metricsToken"), "must be at least 16 characters (or left out to turn /metrics off)");
    }
    String addresses = r.string("auditAddresses", "truncated");
    if (!List.of("full", "truncated", "none").contains(addresses)) {
      throw new ConfigException(r.key("auditAddresses"), "must be full, truncated or none");
    }
    return new Ops(token, r.integer("drainSeconds", 10, 1, 600),
        r.number("auditRetentionSeconds", 180L * 86_400, 1, 10L * 365 * 86_400), addresses);
  }

  private static Cobrowse cobrowse(ConfigReader r) {
    r.allowOnly("maxStraightFailures", "lockoutBaseSeconds", "maxFailuresPerSiteHour", "lockoutMaxSeconds",
        "maxFailuresPerAgentHour");
    Cobrowse c = new Cobrowse(r.integer("maxStraightFailures", 5, 1, 1_000_000),
        r.integer("lockoutBaseSeconds", 30, 1, 86_400), r.integer("maxFailuresPerSiteHour", 100, 1, 1_000_000),
        r.integer("lockoutMaxSeconds", 900, 1, 86_400), r.integer("maxFailuresPerAgentHour", 20, 1, 1_000_000));
    if (c.lockoutMaxSeconds() < c.lockoutBaseSeconds()) {
      throw new ConfigException(r.key("lockoutMaxSeconds"), "must not be smaller than lockoutBaseSeconds");
    }
    return c;
  }

  private static Data data(ConfigReader r) {
    r.allowOnly("dir", "postgres");
    ConfigReader pg = r.child("postgres");
    Postgres postgres = null;
    if (!pg.isEmpty()) {
      pg.allowOnly("host", "port", "database", "user", "password", "poolSize");
      postgres = new Postgres(pg.nonBlank("host", "127.0.0.1"), pg.integer("port", 5432, 1, 65_535),
          pg.nonBlank("database", "siteconnect"), pg.nonBlank("user", "siteconnect"), pg.string("password", null),
          pg.integer("poolSize", 8, 1, 256));
    }
    return new Data(r.nonBlank("dir", "data"), postgres);
  }

  private static Cluster cluster(ConfigReader r) {
    r.allowOnly("enabled", "name", "host", "port", "members", "eventBusPort", "heartbeatSeconds",
        "maxNoHeartbeatSeconds");
    String host = r.nonBlank("host", "127.0.0.1");
    int port = r.integer("port", 5701, 1, 65_535);
    List<String> members = r.stringsOrCsv("members", List.of(host + ":5701-5703"));
    for (int i = 0; i < members.size(); i++) {
      if (!members.get(i).matches("[A-Za-z0-9.:\\[\\]-]{1,255}")) {
        throw new ConfigException(r.key("members") + "[" + i + "]", "must be host, host:port or host:from-to");
      }
    }
    Cluster c = new Cluster(r.bool("enabled", false), r.nonBlank("name", "siteconnect"), host, port, members,
        r.integer("eventBusPort", 0, 0, 65_535), r.integer("heartbeatSeconds", 1, 1, 60),
        r.integer("maxNoHeartbeatSeconds", 5, 2, 600));
    if (c.maxNoHeartbeatSeconds() <= c.heartbeatSeconds()) {
      throw new ConfigException(r.key("maxNoHeartbeatSeconds"), "must be larger than heartbeatSeconds");
    }
    return c;
  }

  private static Api api(ConfigReader root) {
    ConfigReader api = root.child("api");
    api.allowOnly("keys");
    List<ApiKey> keys = api.objects("keys").stream().map(k -> {
      k.allowOnly("name", "sha256", "publish");
      String sha = k.nonBlank("sha256", null);
      if (!sha.matches("[0-9a-f]{64}")) {
        throw new ConfigException(k.key("sha256"), "must be the 64-hex-digit SHA-256 of the key (sha256sum)");
      }
      return new ApiKey(k.nonBlank("name", null), sha, k.strings("publish", List.of()));
    }).toList();
    return new Api(keys);
  }

  private static List<Site> sites(ConfigReader root) {
    List<ConfigReader> entries = root.objects("sites");
    Set<String> keys = new HashSet<>();
    return entries.stream().map(r -> {
      r.allowOnly("key", "name", "origins", "buttons", "cobrowseConsent");
      String key = r.nonBlank("key", null);
      if (!key.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new ConfigException(r.key("key"), "must be 1-64 letters, digits, '_' or '-'");
      }
      if (!keys.add(key)) {
        throw new ConfigException(r.key("key"), "duplicate site key '" + key + "'");
      }
      List<String> origins = r.strings("origins", List.of());
      for (int i = 0; i < origins.size(); i++) {
        requireOrigin(r.key("origins") + "[" + i + "]", origins.get(i));
      }
      Set<String> buttonIds = new HashSet<>();
      List<Button> buttons = r.objects("buttons").stream().map(b -> {
        b.allowOnly("id", "name");
        String id = b.nonBlank("id", null);
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
          throw new ConfigException(b.key("id"), "must be 1-64 letters, digits, '_' or '-'");
        }
        if (!buttonIds.add(id)) {
          throw new ConfigException(b.key("id"), "duplicate button id '" + id + "'");
        }
        return new Button(id, b.string("name", id));
      }).toList();
      return new Site(key, r.string("name", key), origins, buttons, r.bool("cobrowseConsent", true));
    }).toList();
  }

  /**
   * An origin is exactly scheme://host[:port] as a browser serialises it: no path, no trailing slash, no wildcard,
   * lower case, no default port. The frame compares the parent's {@code event.origin} with these strings as they
   * are, so {@code https://Shop.example} or {@code https://shop.example:443} would never match any page.
   */
  static void requireOrigin(String key, String origin) {
    try {
      URI uri = new URI(origin);
      int defaultPort = "https".equals(uri.getScheme()) ? 443 : 80;
      boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null && uri.getRawPath().isEmpty() && uri.getRawQuery() == null
          && uri.getRawFragment() == null && uri.getRawUserInfo() == null
          && origin.equals(uri.getScheme() + "://" + uri.getRawAuthority())
          && origin.equals(origin.toLowerCase(Locale.ROOT)) && uri.getPort() != defaultPort;
      if (ok) {
        return;
      }
    } catch (Exception ignored) {
      // reported below
    }
    throw new ConfigException(key, "must be an exact origin as a browser writes it, like https://shop.example "
        + "(lower case, no path or trailing slash, no default port; got '" + origin + "')");
  }
}
