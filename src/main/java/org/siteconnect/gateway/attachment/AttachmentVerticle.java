package org.siteconnect.gateway.attachment;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Objects;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.store.Database;

/**
 * File attachments in chats (docs/ATTACHMENTS.md), on the leader: sniffs the type, checks who may send and read,
 * keeps the quotas (per chat, per visitor token, in all) and stores the bytes in the database. Uploads are stored
 * one after another, so a burst cannot pass a quota between one upload's check and its insert; one that waited
 * past half the callers' reply deadline is refused unstored. Then the chat gets a line {@code cid attachment:<id>}
 * from the sender.
 *
 * <p>Requests: {@code chat_id}, and either {@code from: "agent"} with {@code login} and {@code buttons} (the
 * agent's {@code <site>/<button>} refs) or {@code from: "visitor"} with {@code token} (the chat's visitor token).
 */
public final class AttachmentVerticle extends VerticleBase {
  private static final String COLUMNS = "id, chat_id, sender, name, type, size, at";

  private final GatewayConfig.Attachments limits;
  private final Database db;
  private ServiceBus eb;
  /** The uploads' queue: each one checks the quotas and stores after the one before it is done. */
  private Future<?> tail = Future.succeededFuture();

  public AttachmentVerticle(GatewayConfig config, Database db) {
    this.limits = config.attachments();
    this.db = db;
  }

  @Override
  public Future<?> start() {
    eb = new ServiceBus(vertx.eventBus());
    return new ServiceConsumers(vertx.eventBus())
        .request(Addresses.ATTACHMENT_PUT, this::put)
        .request(Addresses.ATTACHMENT_GET, this::get)
        .request(Addresses.ATTACHMENT_LIST, this::list)
        .registered();
  }

  /** The chat as far as access goes. */
  private record Chat(String id, String ref, String state, String agent, String token) {}

  private Future<Chat> chat(JsonObject b, boolean sending) {
    return db.run(
            "SELECT id, site, button, state, agent_login, visitor_token FROM chat WHERE id = $1",
            b.getString("chat_id"))
        .compose(rows -> {
          Chat c = Database.rows(
                  rows,
                  r -> new Chat(
                      r.getString(0),
                      r.getString(1) + "/" + r.getString(2),
                      r.getString(3),
                      r.getString(4),
                      r.getString(5)))
              .stream()
              .findFirst()
              .orElse(null);
          boolean agent = "agent".equals(b.getString("from"));
          boolean allowed = c != null
              && (agent
                  ? b.getJsonArray("buttons", new JsonArray()).contains(c.ref())
                      && (!sending || Objects.equals(b.getString("login"), c.agent()))
                  : c.token() != null && c.token().equals(b.getString("token")));
          if (!allowed) {
            return Future.failedFuture(ServiceError.notFound("no chat with this id for you"));
          }
          if (sending && !"active".equals(c.state())) {
            return Future.failedFuture(
                ServiceError.conflict("files can be sent only in an ongoing chat"));
          }
          return Future.succeededFuture(c);
        });
  }

  private void put(Message<JsonObject> m) {
    JsonObject b = m.body();
    Buffer data = b.getBuffer("data");
    boolean agent = "agent".equals(b.getString("from"));
    if (data == null || data.length() == 0) {
      m.reply(ServiceError.badRequest("the file is empty"));
      return;
    }
    if (data.length() > limits.maxBytes()) {
      m.reply(ServiceError.of(
          413, "too-large", "a file may be at most " + limits.maxBytes() + " bytes"));
      return;
    }
    String type = FileTypes.sniff(data);
    boolean allowed = type != null
        && (FileTypes.SNAPSHOT.equals(type) ? !agent : limits.types().contains(type));
    if (!allowed) {
      m.reply(ServiceError.of(
          415,
          "unsupported-type",
          "this kind of file cannot be sent (allowed: " + String.join(", ", limits.types()) + ")"));
      return;
    }
    String name = cleanName(b.getString("name"), type);
    long arrived = System.nanoTime();
    Future<JsonObject> stored = tail.transform(ignored -> inTime(arrived)
        .compose(v -> chat(b, true))
        .compose(c -> quota(c, data.length()).map(c))
        .compose(c -> inTime(arrived).map(c))
        .compose(c -> store(c, b, name, type, data)));
    tail = stored;
    ServiceHandlers.reply(m, stored);
  }

  /**
   * Fails an upload that waited its turn so long that its caller may have given up (the request's reply deadline
   * is {@link ServiceBus#REPLY_TIMEOUT_MS}): a client told "unavailable" must not find the file stored anyway, nor
   * store it twice by trying again. Half the deadline leaves the insert time to answer.
   */
  private static Future<Void> inTime(long arrivedNanos) {
    long waitedMs = (System.nanoTime() - arrivedNanos) / 1_000_000;
    return waitedMs < ServiceBus.REPLY_TIMEOUT_MS / 2
        ? Future.succeededFuture()
        : Future.failedFuture(
            ServiceError.unavailable("busy", "too many files are being stored; try again shortly"));
  }

  private Future<Void> quota(Chat c, long size) {
    return db.run(
            "SELECT COALESCE(SUM(CASE WHEN chat_id = $1 THEN size ELSE 0 END), 0), "
                + "COALESCE(SUM(CASE WHEN visitor_token = $2 THEN size ELSE 0 END), 0), "
                + "COALESCE(SUM(size), 0), "
                + "COALESCE(SUM(CASE WHEN chat_id = $1 THEN 1 ELSE 0 END), 0) FROM attachment",
            c.id(),
            c.token())
        .compose(rows -> {
          Row r = rows.iterator().next();
          if (r.getLong(3) >= limits.maxFilesPerChat()) {
            return Future.failedFuture(
                ServiceError.of(413, "quota-exceeded", "this chat holds as many files as it may"));
          }
          if (r.getLong(0) + size > limits.maxChatBytes()) {
            return Future.failedFuture(
                ServiceError.of(413, "quota-exceeded", "this chat holds as many files as it may"));
          }
          if (r.getLong(1) + size > limits.maxVisitorBytes()) {
            return Future.failedFuture(ServiceError.of(
                413, "quota-exceeded", "this visitor's chats hold as many files as they may"));
          }
          if (r.getLong(2) + size > limits.maxTotalBytes()) {
            return Future.failedFuture(ServiceError.of(
                413, "quota-exceeded", "the gateway holds as many files as it may"));
          }
          return Future.succeededFuture();
        });
  }

  private Future<JsonObject> store(Chat c, JsonObject b, String name, String type, Buffer data) {
    String id = RandomIds.urlSafe(16);
    String from = "agent".equals(b.getString("from")) ? "agent" : "visitor";
    long at = System.currentTimeMillis();
    JsonObject meta = new JsonObject()
        .put("id", id)
        .put("chatId", c.id())
        .put("from", from)
        .put("name", name)
        .put("type", type)
        .put("size", data.length())
        .put("at", at);
    String text = FileTypes.SNAPSHOT.equals(type)
        ? "Page snapshot: " + name.substring(0, name.length() - ".json".length())
        : "File: " + name;
    return db.run(
            "INSERT INTO attachment (" + COLUMNS + ", visitor_token, data) VALUES ("
                + Database.placeholders(1, 9) + ")",
            id,
            c.id(),
            from,
            name,
            type,
            (long) data.length(),
            at,
            c.token(),
            data)
        .compose(v -> eb.request(
                Addresses.CHAT_ATTACHED,
                new JsonObject()
                    .put("chat_id", c.id())
                    .put("from", from)
                    .put("login", b.getString("login"))
                    .put("token", b.getString("token"))
                    .put("cid", "attachment:" + id)
                    .put("text", text))
            .recover(err -> db.run("DELETE FROM attachment WHERE id = $1", id)
                .transform(ignored -> Future.failedFuture(err))))
        .map(v -> meta);
  }

  private void get(Message<JsonObject> m) {
    JsonObject b = m.body();
    ServiceHandlers.reply(
        m,
        chat(b, false)
            .compose(c -> db.run(
                "SELECT " + COLUMNS + ", data FROM attachment WHERE id = $1 AND chat_id = $2",
                b.getString("attachment_id"),
                c.id()))
            .compose(rows -> {
              List<JsonObject> found =
                  Database.rows(rows, r -> meta(r).put("data", r.getBuffer(7)));
              return found.isEmpty()
                  ? Future.failedFuture(ServiceError.notFound("no such attachment in this chat"))
                  : Future.succeededFuture(found.get(0));
            }));
  }

  private void list(Message<JsonObject> m) {
    ServiceHandlers.reply(
        m,
        chat(m.body(), false)
            .compose(c -> db.run(
                "SELECT " + COLUMNS + " FROM attachment WHERE chat_id = $1 ORDER BY at, id",
                c.id()))
            .map(rows -> new JsonObject()
                .put("attachments", new JsonArray(Database.rows(rows, AttachmentVerticle::meta)))));
  }

  private static JsonObject meta(Row r) {
    return new JsonObject()
        .put("id", r.getString(0))
        .put("chatId", r.getString(1))
        .put("from", r.getString(2))
        .put("name", r.getString(3))
        .put("type", r.getString(4))
        .put("size", r.getLong(5))
        .put("at", r.getLong(6));
  }

  /**
   * The sender's name as plain text: no control, format (bidirectional overrides, zero-width) or path characters,
   * at most 200 characters, ending in an extension of its sniffed type (one is appended when it does not), so the
   * name shown is the name saved, and the file saved opens as what it is.
   */
  static String cleanName(String name, String type) {
    String clean = name == null
        ? ""
        : name.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", "")
            .replaceAll("[/\\\\\"<>]", "_")
            .strip();
    if (clean.length() > 200) {
      clean = clean.substring(clean.length() - 200);
    }
    if (clean.isEmpty()) {
      clean = FileTypes.SNAPSHOT.equals(type) ? "page" : "file";
    }
    List<String> extensions = FileTypes.extensions(type);
    String lower = clean.toLowerCase(java.util.Locale.ROOT);
    return extensions.stream().anyMatch(lower::endsWith) ? clean : clean + extensions.get(0);
  }
}
