package org.siteconnect.gateway.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration, read once at start-up from {@code conf/config.json} (or {@code -conf FILE}) with
 * environment overrides applied. {@code config.schema.json} describes every key: its type, range and default (one
 * that starts a working single node); a bad value fails with a {@link ConfigException} naming the key.
 */
public record GatewayConfig(
    Http http,
    Bridge bridge,
    Topics topics,
    Sessions sessions,
    ClientRetry client,
    AclGrants acl,
    Agents agents,
    Chat chat,
    Cobrowse cobrowse,
    Data data,
    Api api,
    Ops ops,
    Cluster cluster,
    List<Site> sites,
    Limits limits,
    Webhooks webhooks,
    Sso sso,
    Mail mail,
    Attachments attachments) {

  /**
   * {@code transport}: the node's socket transport, auto, nio or epoll (HTTP and the cluster bus).
   * {@code trustedProxies}: addresses or CIDRs of load balancers whose {@code X-Forwarded-For}/{@code Forwarded}
   * name the client. {@code headerTimeoutSeconds}: time to send a request's headers; {@code idleTimeoutSeconds}:
   * an HTTP keep-alive connection with no request open is closed after this (WebSockets: the bridge ping timeout).
   * {@code scriptMaxAgeSeconds}: how long browsers keep {@code /site_connect.js} before revalidating it.
   */
  public record Http(
      String host,
      int port,
      String publicOrigin,
      int maxBodyBytes,
      String transport,
      List<String> trustedProxies,
      int headerTimeoutSeconds,
      int idleTimeoutSeconds,
      int scriptMaxAgeSeconds) {}

  /** Per client address (behind {@code http.trustedProxies}, the forwarded one): open sockets, live page sessions. */
  public record Limits(int socketsPerAddress, int sessionsPerAddress) {}

  /** Limits on what one SockJS connection may push at us. */
  public record Bridge(
      long pingTimeoutMs,
      long sessionTimeoutMs,
      int maxFrameBytes,
      int maxHandlersPerSocket,
      int maxMessagesPerSecond,
      int maxSubscriptionsPerSession,
      /** Sockets that may hold one page session at once (a further resume gets a new session). */
      int maxSocketsPerSession,
      int maxQueuedBytesPerConnection,
      int maxInboundBacklogBytes,
      boolean webSocketCompression) {}

  /**
   * {@code retainedMax*}: the cap of each of the two retained budgets (what pages publish, what the server
   * publishes); {@code retainedPerSession*}: one page session's share of the page budget.
   */
  public record Topics(
      int maxBytes,
      int maxLevels,
      int retainedMaxMessages,
      long retainedMaxBytes,
      int retainedPerSessionMaxMessages,
      int retainedPerSessionMaxBytes) {}

  public record Sessions(int codeLength, int codeTtlSeconds, int maxSessions) {}

  /** How the frame backs off when the gateway is busy or unreachable. */
  public record ClientRetry(int retryMax, long retryBaseMs, long retryMaxMs) {}

  /** Patterns a page may subscribe to / publish on among the global topics (DESIGN §3.2). */
  public record AclGrants(List<String> subscribe, List<String> publish) {}

  /**
   * Agent accounts and logins. Password checks run on {@code loginHashThreads} threads, at most
   * {@code loginHashesPerAddress} waiting or running per client address, addresses served in turn. An agent makes at
   * most {@code maxWritesPerMinute} REST calls that change something.
   */
  public record Agents(
      long tokenTtlSeconds,
      int disconnectGraceSeconds,
      int maxChatsDefault,
      int passwordIterations,
      int loginMaxFailures,
      int loginMaxFailuresPerAddress,
      int loginLockoutSeconds,
      int loginHashThreads,
      int loginHashesPerAddress,
      boolean localPasswords,
      int maxWritesPerMinute) {}

  /**
   * Single sign-on for agents (docs/SSO.md): the OpenID provider's issuer, this gateway's client, the scopes,
   * which claim names the agent and which claim's values map to roles and buttons; null when off.
   */
  public record Sso(
      String providerName,
      String issuer,
      String clientId,
      String clientSecret,
      List<String> scopes,
      String loginClaim,
      String claim,
      List<SsoMapping> mappings,
      int loginTtlSeconds,
      int maxPendingLogins,
      int maxPendingLoginsPerAddress) {}

  /** A value of {@code sso.claim} and the roles and buttons ({@code <site>/<buttonId>}) it grants. */
  public record SsoMapping(String value, List<String> roles, List<String> buttons) {}

  /** Chat limits and transcript retention. */
  public record Chat(
      int maxMessageBytes,
      int maxMessagesPerMinute,
      int retentionDays,
      int visitorGraceSeconds,
      int cannedPerSite,
      int cannedMaxBytes,
      int cannedShortcutMaxLength,
      /** Chat requests per page session and per client address in any hour. */
      int requestsPerSessionHour,
      int requestsPerAddressHour,
      /** Waiting chat requests per site: the queue's retained message stays small. */
      int maxWaitingPerSite,
      /** Left messages per page session and per client address in any hour, and stored per site. */
      int leftMessagesPerSessionHour,
      int leftMessagesPerAddressHour,
      int maxLeftMessagesPerSite,
      /** A visitor's typing relayed to the agents at most this often per chat and second. */
      int typingPerSecond,
      /** Bytes of transcripts one page of the bulk export gathers before it ends its page early. */
      int exportPageMaxBytes) {}

  /**
   * Operations: the {@code /metrics} bearer token (no token: the endpoint is off), how long a SIGTERM drain may
   * take, audit retention and how much of a client address the audit log keeps (full, truncated or none).
   */
  public record Ops(
      String metricsToken, int drainSeconds, long auditRetentionSeconds, String auditAddresses) {}

  /**
   * Code-guessing limits (DESIGN §4): straight failures per agent, lockout base and cap, failures per agent and per
   * site in any hour (docs/SECURITY.md explains how they combine).
   */
  public record Cobrowse(
      int maxStraightFailures,
      int lockoutBaseSeconds,
      int maxFailuresPerSiteHour,
      int lockoutMaxSeconds,
      int maxFailuresPerAgentHour,
      int drawMaxPoints,
      int drawStrokesPerSecond,
      int drawMaxBytes,
      /** Remote-control actions relayed per co-browse and second (docs/CONTROL.md); more are refused. */
      int maxControlEventsPerSecond,
      /** The visitor's tabs in one co-browse, the co-browsed one too (docs/COBROWSE.md); more do not join. */
      int maxTabs,
      /**
       * Audit rows of one kind (a new page under control, a tab joining) one co-browse's pages may cause in a
       * minute; the rest are counted into one row.
       */
      int maxPageAuditsPerMinute) {}

  /**
   * Where durable data lives: the embedded database under {@code dir} (single node), or PostgreSQL when
   * clustered ({@code postgres} is required then).
   */
  public record Data(String dir, Postgres postgres) {}

  /** A PostgreSQL server for clustered nodes; the password usually comes from {@code SC_PG_PASSWORD}. */
  public record Postgres(
      String host, int port, String database, String user, String password, int poolSize) {}

  /**
   * Cluster mode (DESIGN §9): Hazelcast on {@code host}:{@code port} finding its peers among {@code members}
   * (host or host:port, TCP only, no multicast); heartbeats tuned so a dead node is noticed in seconds.
   */
  public record Cluster(
      boolean enabled,
      String name,
      String host,
      int port,
      List<String> members,
      int eventBusPort,
      int routerPort,
      int heartbeatSeconds,
      int maxNoHeartbeatSeconds) {}

  /** Webhooks by topic filter (docs/WEBHOOKS.md): bounds, retry and disable times, the SSRF guard's exceptions. */
  public record Webhooks(
      int maxHooks,
      int maxHooksPerSite,
      int maxFiltersPerHook,
      int maxUrlLength,
      int maxSecretLength,
      long retryForSeconds,
      long disableAfterSeconds,
      long backoffBaseMs,
      long backoffMaxMs,
      int connectTimeoutMs,
      int responseTimeoutMs,
      int concurrency,
      long keepDeliveriesSeconds,
      boolean allowPrivateTargets,
      List<String> allowedTargets) {}

  private static Webhooks webhooks(ConfigReader r) {
    List<String> allowed = addressRanges(r, "allowedTargets");
    return new Webhooks(
        r.integer("maxHooks"),
        r.integer("maxHooksPerSite"),
        r.integer("maxFiltersPerHook"),
        r.integer("maxUrlLength"),
        r.integer("maxSecretLength"),
        r.number("retryForSeconds"),
        r.number("disableAfterSeconds"),
        r.number("backoffBaseMs"),
        r.number("backoffMaxMs"),
        r.integer("connectTimeoutMs"),
        r.integer("responseTimeoutMs"),
        r.integer("concurrency"),
        r.number("keepDeliveriesSeconds"),
        r.bool("allowPrivateTargets"),
        allowed);
  }

  /**
   * E-mail through SMTP (docs/TRANSCRIPTS.md): off while {@code host} is null. {@code tls}: none, starttls or tls.
   * {@code notify}: per site, where left-message notices go. The per-hour limits bound transcript e-mails.
   */
  public record Mail(
      String host,
      int port,
      String tls,
      String username,
      String password,
      String from,
      int retries,
      long retryDelayMs,
      int perChat,
      int perVisitorPerHour,
      int perAddressPerHour,
      /** At most one left-message notice per site in this time; the rest are coalesced. */
      int notifyIntervalSeconds,
      java.util.Map<String, List<String>> notifyTo) {
    public boolean enabled() {
      return host != null && from != null;
    }
  }

  private static Mail mail(ConfigReader r) {
    java.util.Map<String, List<String>> notify = new java.util.LinkedHashMap<>();
    r.objects("notify").forEach(n -> notify.put(n.string("site"), n.strings("to")));
    return new Mail(
        r.string("host"),
        r.integer("port"),
        r.string("tls"),
        r.string("username"),
        r.string("password"),
        r.string("from"),
        r.integer("retries"),
        r.number("retryDelayMs"),
        r.integer("perChat"),
        r.integer("perVisitorPerHour"),
        r.integer("perAddressPerHour"),
        r.integer("notifyIntervalSeconds"),
        java.util.Map.copyOf(notify));
  }

  /** Backend API keys for {@code POST /api/v1/publish}: only the SHA-256 of each key is configured. */
  public record Api(List<ApiKey> keys) {}

  public record ApiKey(String name, String sha256, List<String> publish) {}

  /** A chat button of a site. */
  public record Button(String id, String name) {}

  /** A customer site: its key (the {@code data-code} in the page), the exact origins its pages live on, its buttons. */
  public record Site(
      String key,
      String name,
      List<String> origins,
      List<Button> buttons,
      boolean cobrowseConsent,
      /** Under remote control, a form is sent only after the visitor confirms it (docs/CONTROL.md). */
      boolean cobrowseConfirmSubmit,
      /** What the page script collects as the visitor context (docs/CONTEXT.md). */
      List<String> context,
      /** The visitor's launcher and widget look (docs/EMBEDDING.md); null: no launcher, the page shows the widget. */
      Widget widget,
      /** The widget's language when the host page names none (docs/I18N.md); null: the browser's. */
      String lang,
      /** Days the frame keeps a visitor id linking chats across tabs and visits (docs/CONTEXT.md); 0: off. */
      int rememberVisitorDays) {
    public Optional<Button> button(String id) {
      return buttons.stream().filter(b -> b.id().equals(id)).findFirst();
    }
  }

  /**
   * {@code sites[].widget}: colour (#rgb/#rrggbb), side (right/left), title, greeting, logo and avatar URLs, and the
   * chat button its "Chat with us" asks for (default: the site's first; null: none).
   */
  public record Widget(
      String color,
      String position,
      String title,
      String greeting,
      String logoUrl,
      String avatar,
      String button) {
    static Widget of(ConfigReader r, List<Button> buttons) {
      if (r == null) {
        return null;
      }
      String button = r.string("button");
      if (button != null && buttons.stream().noneMatch(b -> b.id().equals(button))) {
        throw new ConfigException(
            r.key("button"), "must be one of the site's buttons (got '" + button + "')");
      }
      return new Widget(
          r.string("color"),
          r.string("position"),
          r.string("title"),
          r.string("greeting"),
          r.string("logoUrl"),
          r.string("avatar"),
          button != null ? button : buttons.isEmpty() ? null : buttons.get(0).id());
    }

    /** As the frame gets it with the session answer (left-out keys stay out). */
    public io.vertx.core.json.JsonObject toJson() {
      io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject();
      String[] names = {"color", "position", "title", "greeting", "logoUrl", "avatar", "button"};
      String[] values = {color, position, title, greeting, logoUrl, avatar, button};
      for (int i = 0; i < names.length; i++) {
        if (values[i] != null) {
          o.put(names[i], values[i]);
        }
      }
      return o;
    }
  }

  public Optional<Site> site(String key) {
    return sites.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  /**
   * Validates the tree against {@code config.schema.json}, fills in its defaults, then checks what the schema cannot
   * say; throws {@link ConfigException} on the first bad key.
   */
  public static GatewayConfig from(JsonObject json) {
    ConfigSchema.validate(json);
    ConfigReader root = new ConfigReader(ConfigSchema.withDefaults(json), "");
    GatewayConfig config = new GatewayConfig(
        http(root.child("http")),
        bridge(root.child("bridge")),
        topics(root.child("topics")),
        sessions(root.child("sessions")),
        client(root.child("client")),
        acl(root.child("acl")),
        agents(root.child("agents")),
        chat(root.child("chat")),
        cobrowse(root.child("cobrowse")),
        data(root.child("data")),
        api(root.child("api")),
        ops(root.child("ops")),
        cluster(root.child("cluster")),
        sites(root),
        limits(root.child("limits")),
        webhooks(root.child("webhooks")),
        null,
        mail(root.child("mail")),
        attachments(root.child("attachments")));
    config = config.withSso(SsoSection.read(root.child("sso"), config));
    if (config.cluster().enabled() && config.data().postgres() == null) {
      throw new ConfigException(
          "data.postgres",
          "is required in cluster mode: clustered nodes keep agents, "
              + "transcripts and the audit log in one PostgreSQL database");
    }
    return config;
  }

  private GatewayConfig withSso(Sso sso) {
    return new GatewayConfig(
        http,
        bridge,
        topics,
        sessions,
        client,
        acl,
        agents,
        chat,
        cobrowse,
        data,
        api,
        ops,
        cluster,
        sites,
        limits,
        webhooks,
        sso,
        mail,
        attachments);
  }

  /**
   * File attachments in chats (docs/ATTACHMENTS.md): the largest file, the sniffed types allowed, the bytes one
   * chat, one visitor (visitor token) and all chats together may hold, the files one chat may hold, and the uploads one node takes at once, in
   * all and per client address, each
   * given {@code uploadSeconds} to send its body.
   */
  public record Attachments(
      long maxBytes,
      List<String> types,
      long maxChatBytes,
      long maxVisitorBytes,
      long maxTotalBytes,
      int maxFilesPerChat,
      int maxUploadsInFlight,
      int maxUploadsPerAddress,
      int uploadSeconds) {}

  private static Attachments attachments(ConfigReader r) {
    return new Attachments(
        r.number("maxBytes"),
        r.strings("types"),
        r.number("maxChatBytes"),
        r.number("maxVisitorBytes"),
        r.number("maxTotalBytes"),
        r.integer("maxFilesPerChat"),
        r.integer("maxUploadsInFlight"),
        r.integer("maxUploadsPerAddress"),
        r.integer("uploadSeconds"));
  }

  private static Http http(ConfigReader r) {
    int port = r.integer("port");
    String publicOrigin = r.string("publicOrigin");
    if (publicOrigin == null) {
      publicOrigin = port == 80 ? "http://localhost" : "http://localhost:" + port;
    }
    requireOrigin(r.key("publicOrigin"), publicOrigin);
    List<String> proxies = addressRanges(r, "trustedProxies");
    return new Http(
        r.string("host"),
        port,
        publicOrigin,
        r.integer("maxBodyBytes"),
        r.string("transport"),
        proxies,
        r.integer("headerTimeoutSeconds"),
        r.integer("idleTimeoutSeconds"),
        r.integer("scriptMaxAgeSeconds"));
  }

  /** A list of addresses or CIDRs; a bad one is named with its index. */
  private static List<String> addressRanges(ConfigReader r, String name) {
    List<String> ranges = r.strings(name);
    for (int i = 0; i < ranges.size(); i++) {
      try {
        org.siteconnect.gateway.net.AddressRange.parse(ranges.get(i));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(r.key(name) + "[" + i + "]", e.getMessage());
      }
    }
    return ranges;
  }

  private static Bridge bridge(ConfigReader r) {
    // Hidden tabs throttle timers in cross-origin frames to one a minute: 90 s is the schema's
    // floor (DESIGN §5).
    return new Bridge(
        r.number("pingTimeoutMs"),
        r.number("sessionTimeoutMs"),
        r.integer("maxFrameBytes"),
        r.integer("maxHandlersPerSocket"),
        r.integer("maxMessagesPerSecond"),
        r.integer("maxSubscriptionsPerSession"),
        r.integer("maxSocketsPerSession"),
        r.integer("maxQueuedBytesPerConnection"),
        r.integer("maxInboundBacklogBytes"),
        r.bool("webSocketCompression"));
  }

  private static Topics topics(ConfigReader r) {
    return new Topics(
        r.integer("maxBytes"),
        r.integer("maxLevels"),
        r.integer("retainedMaxMessages"),
        r.number("retainedMaxBytes"),
        r.integer("retainedPerSessionMaxMessages"),
        r.integer("retainedPerSessionMaxBytes"));
  }

  private static Sessions sessions(ConfigReader r) {
    return new Sessions(
        r.integer("codeLength"), r.integer("codeTtlSeconds"), r.integer("maxSessions"));
  }

  private static Limits limits(ConfigReader r) {
    return new Limits(r.integer("socketsPerAddress"), r.integer("sessionsPerAddress"));
  }

  private static ClientRetry client(ConfigReader r) {
    ClientRetry c =
        new ClientRetry(r.integer("retryMax"), r.number("retryBaseMs"), r.number("retryMaxMs"));
    if (c.retryMaxMs() < c.retryBaseMs()) {
      throw new ConfigException(r.key("retryMaxMs"), "must not be smaller than retryBaseMs");
    }
    return c;
  }

  private static AclGrants acl(ConfigReader r) {
    return new AclGrants(r.strings("subscribe"), r.strings("publish"));
  }

  private static Agents agents(ConfigReader r) {
    // passwordIterations: OWASP's 2023 figure for PBKDF2-HMAC-SHA512; tests may lower it, never
    // below 10,000.
    return new Agents(
        r.number("tokenTtlSeconds"),
        r.integer("disconnectGraceSeconds"),
        r.integer("maxChatsDefault"),
        r.integer("passwordIterations"),
        r.integer("loginMaxFailures"),
        r.integer("loginMaxFailuresPerAddress"),
        r.integer("loginLockoutSeconds"),
        r.integer("loginHashThreads"),
        r.integer("loginHashesPerAddress"),
        r.bool("localPasswords"),
        r.integer("maxWritesPerMinute"));
  }

  private static Chat chat(ConfigReader r) {
    return new Chat(
        r.integer("maxMessageBytes"),
        r.integer("maxMessagesPerMinute"),
        r.integer("retentionDays"),
        r.integer("visitorGraceSeconds"),
        r.integer("cannedPerSite"),
        r.integer("cannedMaxBytes"),
        r.integer("cannedShortcutMaxLength"),
        r.integer("requestsPerSessionHour"),
        r.integer("requestsPerAddressHour"),
        r.integer("maxWaitingPerSite"),
        r.integer("leftMessagesPerSessionHour"),
        r.integer("leftMessagesPerAddressHour"),
        r.integer("maxLeftMessagesPerSite"),
        r.integer("typingPerSecond"),
        r.integer("exportPageMaxBytes"));
  }

  private static Ops ops(ConfigReader r) {
    return new Ops(
        r.string("metricsToken"),
        r.integer("drainSeconds"),
        r.number("auditRetentionSeconds"),
        r.string("auditAddresses"));
  }

  private static Cobrowse cobrowse(ConfigReader r) {
    Cobrowse c = new Cobrowse(
        r.integer("maxStraightFailures"),
        r.integer("lockoutBaseSeconds"),
        r.integer("maxFailuresPerSiteHour"),
        r.integer("lockoutMaxSeconds"),
        r.integer("maxFailuresPerAgentHour"),
        r.integer("drawMaxPoints"),
        r.integer("drawStrokesPerSecond"),
        r.integer("drawMaxBytes"),
        r.integer("maxControlEventsPerSecond"),
        r.integer("maxTabs"),
        r.integer("maxPageAuditsPerMinute"));
    if (c.lockoutMaxSeconds() < c.lockoutBaseSeconds()) {
      throw new ConfigException(
          r.key("lockoutMaxSeconds"), "must not be smaller than lockoutBaseSeconds");
    }
    return c;
  }

  private static Data data(ConfigReader r) {
    ConfigReader pg = r.child("postgres");
    Postgres postgres = pg == null
        ? null
        : new Postgres(
            pg.string("host"),
            pg.integer("port"),
            pg.string("database"),
            pg.string("user"),
            pg.string("password"),
            pg.integer("poolSize"));
    return new Data(r.string("dir"), postgres);
  }

  private static Cluster cluster(ConfigReader r) {
    String host = r.string("host");
    List<String> members = r.strings("members");
    Cluster c = new Cluster(
        r.bool("enabled"),
        r.string("name"),
        host,
        r.integer("port"),
        members == null ? List.of(host + ":5701-5703") : members,
        r.integer("eventBusPort"),
        r.integer("routerPort"),
        r.integer("heartbeatSeconds"),
        r.integer("maxNoHeartbeatSeconds"));
    if (c.maxNoHeartbeatSeconds() <= c.heartbeatSeconds()) {
      throw new ConfigException(
          r.key("maxNoHeartbeatSeconds"), "must be larger than heartbeatSeconds");
    }
    return c;
  }

  private static Api api(ConfigReader r) {
    return new Api(r.objects("keys").stream()
        .map(k -> new ApiKey(k.string("name"), k.string("sha256"), k.strings("publish")))
        .toList());
  }

  private static List<Site> sites(ConfigReader root) {
    Set<String> keys = new HashSet<>();
    return root.objects("sites").stream()
        .map(r -> {
          String key = r.string("key");
          if (!keys.add(key)) {
            throw new ConfigException(r.key("key"), "duplicate site key '" + key + "'");
          }
          List<String> origins = r.strings("origins");
          for (int i = 0; i < origins.size(); i++) {
            requireOrigin(r.key("origins") + "[" + i + "]", origins.get(i));
          }
          Set<String> buttonIds = new HashSet<>();
          List<Button> buttons = r.objects("buttons").stream()
              .map(b -> {
                String id = b.string("id");
                if (!buttonIds.add(id)) {
                  throw new ConfigException(b.key("id"), "duplicate button id '" + id + "'");
                }
                return new Button(id, b.string("name") == null ? id : b.string("name"));
              })
              .toList();
          return new Site(
              key,
              r.string("name") == null ? key : r.string("name"),
              origins,
              buttons,
              r.bool("cobrowseConsent"),
              r.bool("cobrowseConfirmSubmit"),
              r.strings("context"),
              Widget.of(r.child("widget"), buttons),
              r.string("lang"),
              r.integer("rememberVisitorDays"));
        })
        .toList();
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
          && uri.getHost() != null
          && uri.getRawPath().isEmpty()
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null
          && uri.getRawUserInfo() == null
          && origin.equals(uri.getScheme() + "://" + uri.getRawAuthority())
          && origin.equals(origin.toLowerCase(Locale.ROOT))
          && uri.getPort() != defaultPort;
      if (ok) {
        return;
      }
    } catch (Exception ignored) {
      // reported below
    }
    throw new ConfigException(
        key,
        "must be an exact origin as a browser writes it, like https://shop.example "
            + "(lower case, no path or trailing slash, no default port; got '" + origin + "')");
  }
}
