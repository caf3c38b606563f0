package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RouterRequests;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.topic.ServerTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every configured chat button's state as a retained topic and keeps it in step with agents'
 * availability, console connections (with a grace period) and chat load.
 */
public final class ChatButtonVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChatButtonVerticle.class);

  private final GatewayConfig config;
  private ButtonAvailability buttons;
  private RouterRequests router;
  private long graceMillis;
  /** Which buttons each agent marked available, written through so that a new leader keeps them. */
  static final String AVAILABILITY_MAP = "sc.agent-availability";

  /** Agents' display names, as their consoles and availability changes told them (a transfer's choices). */
  private final Map<String, String> names = new HashMap<>();

  private AsyncMap<String, JsonObject> stored;
  /** The same in the database: a restarted (or crashed) single node keeps the buttons on. */
  private final SqlAvailabilityStore saved;

  public ChatButtonVerticle(GatewayConfig config, org.siteconnect.gateway.store.Database db) {
    this.config = config;
    this.saved = new SqlAvailabilityStore(db);
  }

  @Override
  public Future<?> start() {
    router = new RouterRequests(vertx.eventBus());
    List<String> refs = config.sites().stream()
        .flatMap(s -> s.buttons().stream().map(b -> s.key() + "/" + b.id()))
        .toList();
    buttons = new ButtonAvailability(refs);
    graceMillis = config.agents().disconnectGraceSeconds() * 1000L;
    Future<?> restored = vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(AVAILABILITY_MAP)
        .compose(map -> {
          stored = map;
          return map.entries();
        })
        .compose(earlier -> saved.all(System.currentTimeMillis()).map(rows -> {
          // After a restart or a crash the database has them (the cluster map is newer when
          // both do).
          Map<String, JsonObject> all = new HashMap<>();
          rows.forEach(row -> all.put(
              row.login(),
              new JsonObject()
                  .put("available", new JsonArray(List.copyOf(row.available())))
                  .put("maxChats", row.maxChats())
                  .put("connectedUntil", row.connectedUntil())));
          all.putAll(earlier);
          return all;
        }))
        .onSuccess(earlier -> {
          // Taken over from a leader that died, or this node restarted: its agents count as within
          // the disconnect grace until their consoles are re-asserted or reconnect, so the buttons
          // do not blink off meanwhile.
          long graceUntil = System.currentTimeMillis() + graceMillis;
          earlier.forEach((login, state) -> buttons.restoreAvailable(
              login,
              new HashSet<>(state.getJsonArray("available", new JsonArray()).stream()
                  .map(String::valueOf)
                  .toList()),
              state.getInteger("maxChats", 1),
              Math.min(graceUntil, state.getLong("connectedUntil", 0L))));
          buttons.tick(System.currentTimeMillis());
          if (!earlier.isEmpty() && graceMillis > 0) {
            vertx.setTimer(
                graceMillis + 1, id -> changed(buttons.tick(System.currentTimeMillis())));
          }
        });
    Future<?> consumers = restored.compose(v -> new ServiceConsumers(vertx.eventBus())
        .request(Addresses.BUTTONS_SET_AVAILABLE, this::setAvailable)
        .request(Addresses.BUTTONS_PRESENCE, this::presence)
        .request(Addresses.BUTTONS_LOGGED_OUT, this::loggedOut)
        .request(Addresses.BUTTONS_QUERY, this::query)
        .request(Transfers.CAN_TAKE, this::canTake)
        .request(Transfers.TAKERS, this::takers)
        .request(
            Addresses.BUTTONS_CHATS,
            m -> changed(buttons.chatsChanged(
                m.body().getString("login"),
                m.body().getInteger("active", 0),
                System.currentTimeMillis())))
        .registered());
    // Every button's state, retained, so pages learn it before any agent shows up: disabled on a
    // fresh start,
    // as the previous leader left it after a take-over.
    return consumers.compose(v -> Future.all(
        refs.stream().map(ref -> publishState(ref, buttons.isEnabled(ref))).toList()));
  }

  private void setAvailable(Message<JsonObject> m) {
    JsonObject b = m.body();
    String login = b.getString("login");
    String button = b.getString("button");
    if (!buttons.isKnown(button)) {
      m.reply(ServiceError.notFound("no such chat button"));
      return;
    }
    long now = System.currentTimeMillis();
    describe(login, b, now);
    changed(buttons.setAvailable(login, button, b.getBoolean("available", false), now));
    // Answered once saved, so a restart right after the change keeps it.
    storeAvailability(login).onComplete(ar -> m.reply(view(login, button)));
  }

  private void presence(Message<JsonObject> m) {
    JsonObject b = m.body();
    String login = b.getString("login");
    long now = System.currentTimeMillis();
    describe(login, b, now);
    String connectionId = b.getString("conn", "");
    if (b.getBoolean("connected", false)) {
      changed(buttons.consoleConnected(login, connectionId, now));
      storeAvailability(login);
    } else {
      changed(buttons.consoleDisconnected(login, connectionId, graceMillis, now));
      storeAvailability(login);
      if (graceMillis > 0) {
        vertx.setTimer(graceMillis + 1, id -> changed(buttons.tick(System.currentTimeMillis())));
      }
    }
  }

  private void loggedOut(Message<JsonObject> m) {
    changed(buttons.loggedOut(m.body().getString("login"), System.currentTimeMillis()));
    storeAvailability(m.body().getString("login"));
  }

  /** {@code {available:[refs], maxChats, connectedUntil}} per agent: what a new leader needs to carry the buttons on. */
  private Future<Void> storeAvailability(String login) {
    Set<String> available = buttons.availableOf(login);
    Future<?> written = available.isEmpty()
        ? stored.remove(login)
        : stored.put(
            login,
            new JsonObject()
                .put("available", new JsonArray(List.copyOf(available)))
                .put("maxChats", buttons.maxChatsOf(login))
                .put("connectedUntil", buttons.connectedUntil(login)));
    written.onFailure(err -> LOG.warn("availability not written through [{}]", err.getMessage()));
    return saved
        .save(new SqlAvailabilityStore.Saved(
            login, available, buttons.maxChatsOf(login), buttons.connectedUntil(login)))
        .onFailure(err -> LOG.warn("availability not saved [{}]", err.getMessage()));
  }

  /** {@code {login, buttons:[refs]}} → the buttons with their state and this agent's availability. */
  private void query(Message<JsonObject> m) {
    String login = m.body().getString("login");
    JsonArray out = new JsonArray();
    for (Object ref : m.body().getJsonArray("buttons", new JsonArray())) {
      if (ref instanceof String s && buttons.isKnown(s)) {
        out.add(view(login, s));
      }
    }
    m.reply(new JsonObject().put("buttons", out));
  }

  /** {@code {login, button}} → {@code {ok, reason?, name, maxChats}}: whether the agent may be handed a chat of it. */
  private void canTake(Message<JsonObject> m) {
    String login = m.body().getString("login");
    String why =
        buttons.whyNotTake(login, m.body().getString("button"), System.currentTimeMillis());
    JsonObject answer = new JsonObject()
        .put("ok", why == null)
        .put("name", names.getOrDefault(login, login))
        .put("maxChats", buttons.maxChatsOf(login));
    m.reply(why == null ? answer : answer.put("reason", why));
  }

  /** {@code {button}} → {@code {agents: [{login, name, activeChats, maxChats}]}} who may take a chat of it now. */
  private void takers(Message<JsonObject> m) {
    JsonArray out = new JsonArray();
    buttons
        .takers(m.body().getString("button"), System.currentTimeMillis())
        .forEach((login, load) -> out.add(new JsonObject()
            .put("login", login)
            .put("name", names.getOrDefault(login, login))
            .put("activeChats", load[0])
            .put("maxChats", load[1])));
    m.reply(new JsonObject().put("agents", out));
  }

  private void describe(String login, JsonObject b, long now) {
    if (b.getValue("name") instanceof String name) {
      names.put(login, name);
    }
    JsonArray served = b.getJsonArray("buttons");
    if (served != null) {
      Set<String> serves = new HashSet<>();
      served.forEach(x -> serves.add(String.valueOf(x)));
      changed(buttons.describe(login, serves, b.getInteger("maxChats", 1), now));
    }
  }

  private JsonObject view(String login, String ref) {
    int slash = ref.indexOf('/');
    String site = ref.substring(0, slash);
    String id = ref.substring(slash + 1);
    String name = config
        .site(site)
        .flatMap(s -> s.button(id))
        .map(GatewayConfig.Button::name)
        .orElse(id);
    return new JsonObject()
        .put("site", site)
        .put("id", id)
        .put("name", name)
        .put("enabled", buttons.isEnabled(ref))
        .put("available", login != null && buttons.isAvailable(login, ref));
  }

  private void changed(List<String> flipped) {
    for (String ref : flipped) {
      boolean on = buttons.isEnabled(ref);
      LOG.info("chat button [{}] {}", ref, on ? "enabled" : "disabled");
      publishState(ref, on)
          .onFailure(err -> LOG.warn("could not publish button state [{}]", err.getMessage()));
    }
  }

  private Future<?> publishState(String ref, boolean on) {
    int slash = ref.indexOf('/');
    return router.publish(
        ServerTopics.chatButton(ref.substring(0, slash), ref.substring(slash + 1)),
        new JsonObject().put("state", on ? "enabled" : "disabled"),
        true);
  }
}
