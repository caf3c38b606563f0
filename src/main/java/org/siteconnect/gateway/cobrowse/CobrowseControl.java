package org.siteconnect.gateway.cobrowse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.GatewayMetrics;

/**
 * Remote control of a co-browsed tab (issue 21, docs/CONTROL.md): its own consent, given only by the frame's
 * {@code control} command (a trusted click in the gateway-origin frame), a grant bound to the tab's page session and
 * to the agent who asked, and the agent's actions relayed only while that grant is live, within a rate per
 * co-browse. Everything else is refused and counted in {@code sc_cobrowse_control_refused_total{reason}}. Not
 * thread-safe: owned by the co-browse verticle, which hands it what it needs through {@link Out}.
 */
final class CobrowseControl {
  static final String REQUESTED = "requested";
  static final String GRANTED = "granted";

  static final String AUDIT_ASKED = "control-asked";
  static final String AUDIT_GRANTED = "control-granted";
  static final String AUDIT_DECLINED = "control-declined";
  static final String AUDIT_REVOKED = "control-revoked";
  static final String AUDIT_NAVIGATED = "control-navigated";

  /** What an action may carry; anything else in a message is dropped, a bad value refuses the message. */
  static final Set<String> ACTIONS =
      Set.of("click", "down", "move", "up", "scroll", "text", "key", "select");

  static final Set<String> KEYS = Set.of(
      "Backspace",
      "Delete",
      "Enter",
      "Tab",
      "ArrowLeft",
      "ArrowRight",
      "ArrowUp",
      "ArrowDown",
      "Home",
      "End");
  static final Set<String> RELEASE_REASONS = Set.of("stop", "esc", "input", "frame");
  private static final int MAX_TEXT = 256;
  /** Recordings remembered per tab: a page that comes back to one of them (bfcache, or a page flipping) is no new page. */
  private static final int RECENT_RECORDINGS = 8;

  private static final double MAX_COORDINATE = 100_000;

  /** Where the co-browse verticle lets the control go: pages, the agent, the audit log. */
  interface Out {
    void toSession(String sid, String rest, Object payload, boolean retain);

    void toAgent(Cobrowse c, String rest, JsonObject payload);

    void audit(String actor, String action, Cobrowse c, String detail);
  }

  /** One grant (asked or live): the page session it is for, and the last recording seen there. */
  private static final class Grant {
    final String sid;
    String state = REQUESTED;
    long windowStart;
    int inWindow;

    Grant(String sid) {
      this.sid = sid;
    }
  }

  private final Out out;
  private final GatewayMetrics metrics;
  private final GatewayConfig config;
  private final int perSecond;
  private final Map<String, Grant> grants = new HashMap<>();
  /**
   * The recordings (rid) each co-browsed page session relayed lately, the current one first: a rid not among them is
   * a new page there.
   */
  private final Map<String, Deque<String>> rids = new HashMap<>();

  /** New pages in controlled tabs are audited within this, the page decides how often they come. */
  private final AuditAllowance navigations;

  CobrowseControl(Out out, GatewayMetrics metrics, GatewayConfig config) {
    this.out = out;
    this.metrics = metrics;
    this.config = config;
    this.perSecond = config.cobrowse().maxControlEventsPerSecond();
    this.navigations = new AuditAllowance(config.cobrowse().maxPageAuditsPerMinute());
  }

  /** The state of co-browse {@code id}'s control ({@code requested}, {@code granted}) or null. */
  String state(String id) {
    Grant g = grants.get(id);
    return g == null ? null : g.state;
  }

  /**
   * {@code agent/<login>/cobrowse/<id>/control} (the router lets only {@code login} publish there): a request, a
   * release, or an action for the page. {@code c} is the co-browse with that id (null: none), {@code current} the
   * page session the agent sees now.
   */
  void fromAgent(Cobrowse c, String login, Object payload, String current) {
    if (c == null || !Cobrowse.ACTIVE.equals(c.state())) {
      refused("no-cobrowse");
      return;
    }
    if (!c.agentLogin().equals(login)) {
      refused("not-holder");
      return;
    }
    if (!(payload instanceof JsonObject p) || !(p.getValue("type") instanceof String type)) {
      refused("bad-message");
      return;
    }
    Grant g = grants.get(c.id());
    switch (type) {
      case "request" -> request(c, g, current);
      case "release" -> {
        if (g != null) {
          end(c, g, "agent", c.agentLogin());
        }
      }
      default -> act(c, g, p, current);
    }
  }

  private void request(Cobrowse c, Grant g, String current) {
    if (g != null) { // asked already, or granted: say how it stands
      out.toAgent(c, "control", new JsonObject().put("state", g.state));
      return;
    }
    Grant asked = new Grant(current);
    grants.put(c.id(), asked);
    out.toSession(
        current,
        "cobrowsing/control_request",
        new JsonObject().put("cobrowse_id", c.id()).put("agent_name", c.agentName()),
        true);
    out.toAgent(c, "control", new JsonObject().put("state", REQUESTED));
    out.audit(c.agentLogin(), AUDIT_ASKED, c, "control asked");
  }

  private void act(Cobrowse c, Grant g, JsonObject p, String current) {
    if (g == null || !GRANTED.equals(g.state)) {
      refused("no-grant");
      return;
    }
    if (!g.sid.equals(current)) {
      refused("other-tab"); // the visitor uses another tab now: the grant was for this one
      return;
    }
    JsonObject action = clean(p);
    if (action == null) {
      refused("bad-message");
      return;
    }
    long now = System.currentTimeMillis();
    if (now - g.windowStart >= 1000) {
      g.windowStart = now;
      g.inWindow = 0;
    }
    if (++g.inWindow > perSecond) {
      refused("rate");
      return;
    }
    action.put("cobrowse_id", c.id());
    out.toSession(g.sid, "cobrowsing/control_act", action, false);
    metrics
        .counter("sc_cobrowse_control_actions_total", "remote-control actions relayed to pages")
        .increment();
  }

  /**
   * An action as the page gets it: the known fields only, each checked; null when the type or a value is wrong.
   */
  static JsonObject clean(JsonObject p) {
    String type = p.getString("type");
    if (!ACTIONS.contains(type)) {
      return null;
    }
    JsonObject a = new JsonObject().put("type", type);
    for (String k : new String[] {"x", "y", "dx", "dy"}) {
      Object v = p.getValue(k);
      if (v == null) {
        continue;
      }
      if (!(v instanceof Number n)
          || !Double.isFinite(n.doubleValue())
          || Math.abs(n.doubleValue()) > MAX_COORDINATE) {
        return null;
      }
      a.put(k, n.doubleValue());
    }
    boolean at = a.containsKey("x") && a.containsKey("y");
    switch (type) {
      case "text" -> {
        if (!(p.getValue("text") instanceof String t) || t.isEmpty() || t.length() > MAX_TEXT) {
          return null;
        }
        a.put("text", t);
      }
      case "key" -> {
        if (!(p.getValue("key") instanceof String k) || !KEYS.contains(k)) {
          return null;
        }
        a.put("key", k);
      }
      case "select" -> {
        if (!at || !(p.getValue("index") instanceof Integer i) || i < 0 || i > 10_000) {
          return null;
        }
        a.put("index", i);
      }
      case "scroll" -> {
        if (!at) {
          return null;
        }
      }
      default -> {
        if (!at) {
          return null;
        }
      }
    }
    if (p.getValue("n") instanceof Integer n) {
      a.put("n", n);
    }
    return a;
  }

  /**
   * {@code ~pagesession/cobrowsing/control {cobrowse_id, allow}}: only the frame's {@code control} command reaches
   * this topic (a page publish there is refused, {@code FrameOnlyTopics}), and it counts only from the page session
   * that was asked.
   */
  void answer(Cobrowse c, String sid, JsonObject payload) {
    Grant g = grants.get(c.id());
    if (g == null
        || !REQUESTED.equals(g.state)
        || !g.sid.equals(sid)
        || !c.id().equals(payload.getString("cobrowse_id"))) {
      refused("no-request");
      return;
    }
    out.toSession(sid, "cobrowsing/control_request", "", true);
    if (Boolean.TRUE.equals(payload.getValue("allow"))) {
      g.state = GRANTED;
      Optional<GatewayConfig.Site> site = config.site(c.site());
      out.toSession(
          sid,
          "cobrowsing/control_state",
          new JsonObject()
              .put("cobrowse_id", c.id())
              .put("agent_name", c.agentName())
              .put("state", GRANTED)
              // What the page enforces: links only to the site's origins, forms only after a
              // confirm.
              .put(
                  "origins", new JsonArray(site.map(GatewayConfig.Site::origins).orElse(List.of())))
              .put(
                  "confirm_submit",
                  site.map(GatewayConfig.Site::cobrowseConfirmSubmit).orElse(true)),
          true);
      out.toAgent(c, "control", new JsonObject().put("state", GRANTED));
      out.audit("visitor", AUDIT_GRANTED, c, c.agentLogin());
    } else {
      grants.remove(c.id());
      out.toAgent(c, "control", new JsonObject().put("state", "declined"));
      out.audit("visitor", AUDIT_DECLINED, c, c.agentLogin());
    }
  }

  /**
   * {@code ~pagesession/cobrowsing/release {reason}} from any of the co-browse's tabs (Stop, Esc, the visitor's own
   * input): taking control back needs no proof, and it is immediate.
   */
  void release(Cobrowse c, JsonObject payload) {
    Grant g = grants.get(c.id());
    if (g == null) {
      return;
    }
    String reason =
        payload.getValue("reason") instanceof String r && RELEASE_REASONS.contains(r) ? r : "stop";
    end(c, g, reason, "visitor");
  }

  /** {@code ~pagesession/cobrowsing/outcome {n, ok, why}}: what the page did with an action, for the agent. */
  void outcome(Cobrowse c, String sid, JsonObject payload) {
    Grant g = grants.get(c.id());
    if (g == null || !GRANTED.equals(g.state) || !g.sid.equals(sid)) {
      return;
    }
    JsonObject o = new JsonObject().put("ok", Boolean.TRUE.equals(payload.getValue("ok")));
    if (payload.getValue("n") instanceof Integer n) {
      o.put("n", n);
    }
    if (payload.getValue("why") instanceof String why && why.matches("[a-z-]{1,32}")) {
      o.put("why", why);
    }
    out.toAgent(c, "outcome", o);
  }

  /**
   * A batch the agent got: a full snapshot of a new recording (a new {@code rid}) in the controlled tab is a new page
   * there. The recording each relaying session is on is kept from the start (the page before the grant too).
   */
  void pageEvents(Cobrowse c, String sid, JsonObject payload) {
    if (!Boolean.TRUE.equals(payload.getValue("full"))
        || !(payload.getValue("rid") instanceof String rid)
        || rid.length() > 64) {
      return;
    }
    Deque<String> recent = rids.computeIfAbsent(sid, k -> new ArrayDeque<>());
    if (rid.equals(recent.peekFirst())) {
      return; // a resync of the page it is on
    }
    boolean first = recent.isEmpty();
    boolean known = recent.remove(rid);
    recent.addFirst(rid);
    if (recent.size() > RECENT_RECORDINGS) {
      recent.removeLast();
    }
    Grant g = grants.get(c.id());
    if (first || known || g == null || !GRANTED.equals(g.state) || !g.sid.equals(sid)) {
      return;
    }
    int leftOut = navigations.take(c.id(), System.currentTimeMillis());
    if (leftOut > 0) {
      out.audit("visitor", AUDIT_NAVIGATED, c, notAudited(leftOut));
    }
    if (leftOut >= 0) {
      out.audit("visitor", AUDIT_NAVIGATED, c, "a new page in the controlled tab");
    }
  }

  private static String notAudited(int leftOut) {
    return leftOut + " more new pages in the controlled tab, not audited one by one";
  }

  /** A tab left its co-browse (its page session ended): its recordings are forgotten. */
  void tabLeft(String sid) {
    rids.remove(sid);
  }

  /** The co-browse ended: its control goes with it (the retained prompt and state are cleared). */
  void forget(Cobrowse c, List<String> sessions) {
    sessions.forEach(rids::remove);
    int leftOut = navigations.forget(c.id());
    if (leftOut > 0) {
      out.audit("visitor", AUDIT_NAVIGATED, c, notAudited(leftOut));
    }
    Grant g = grants.remove(c.id());
    if (g != null) {
      clear(g);
      if (GRANTED.equals(g.state)) {
        out.audit(c.agentLogin(), AUDIT_REVOKED, c, "the co-browse ended");
      }
    }
  }

  private void end(Cobrowse c, Grant g, String reason, String actor) {
    grants.remove(c.id());
    clear(g);
    out.toAgent(c, "control", new JsonObject().put("state", "revoked").put("reason", reason));
    out.audit(actor, GRANTED.equals(g.state) ? AUDIT_REVOKED : AUDIT_DECLINED, c, "by " + reason);
  }

  private void clear(Grant g) {
    out.toSession(g.sid, "cobrowsing/control_request", "", true);
    out.toSession(g.sid, "cobrowsing/control_state", "", true);
  }

  void refused(String reason) {
    metrics
        .counter(
            "sc_cobrowse_control_refused_total",
            "remote-control messages refused, by reason",
            "reason",
            reason)
        .increment();
  }
}
