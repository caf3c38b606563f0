package org.siteconnect.gateway.transcript;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RouterRequests;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.chat.ChatRecord;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.store.Database;
import org.siteconnect.gateway.topic.ServerTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transcripts and e-mail (docs/TRANSCRIPTS.md): pages of transcripts for the admins' bulk export; a visitor's
 * {@code pagesession/<sid>/chat/email_transcript {email}} once its chat has ended (answered on
 * {@code chat/transcript_email}); an e-mail to the site's notify addresses about each left message. Sending never
 * holds up a chat: the page is answered when the mail is queued and again when it went or was given up.
 */
public final class TranscriptVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TranscriptVerticle.class);
  /** Most chats in one page of a bulk export. */
  public static final int MAX_PAGE = 100;

  private final GatewayConfig config;
  private final TranscriptStore store;
  private Mailer mailer;
  private final Database db;
  private SendLimits limits;
  private RouterRequests router;
  private final LeftNotices notices = new LeftNotices();

  public TranscriptVerticle(GatewayConfig config, Database db) {
    this.config = config;
    this.store = new TranscriptStore(db);
    this.db = db;
  }

  @Override
  public Future<?> start() {
    mailer = new Mailer(vertx, config.mail());
    GatewayConfig.Mail m = config.mail();
    limits = new SendLimits(db, m.perChat(), m.perVisitorPerHour(), m.perAddressPerHour());
    router = new RouterRequests(vertx.eventBus());
    return new ServiceConsumers(vertx.eventBus())
        .request(Addresses.TRANSCRIPT_BULK, this::bulk)
        .topic(Addresses.TRANSCRIPT_PAGE, this::emailRequest)
        .topic(Addresses.TRANSCRIPT_LEFT, this::leftMessage)
        .registered()
        .compose(v -> router.subscribe(
            "$share/transcript/pagesession/+/chat/email_transcript", Addresses.TRANSCRIPT_PAGE))
        .compose(v ->
            router.subscribe("$share/transcript/$sites/+/messages/+", Addresses.TRANSCRIPT_LEFT));
  }

  @Override
  public Future<?> stop() {
    return mailer.close();
  }

  /**
   * {@code {sites, from, to, after?, limit}} → {@code {transcripts, next}} (next: the cursor, or null at the end). The
   * transcripts are read one after another, and the page ends early once it holds {@code chat.exportPageMaxBytes}:
   * a page of a hundred long chats would otherwise be held whole in memory, once per concurrent export.
   */
  private void bulk(Message<JsonObject> m) {
    JsonObject b = m.body();
    List<String> sites =
        b.getJsonArray("sites", new JsonArray()).stream().map(String::valueOf).toList();
    int limit = Math.max(1, Math.min(MAX_PAGE, b.getInteger("limit", MAX_PAGE)));
    Cursor after = Cursor.parse(b.getString("after"));
    ServiceHandlers.reply(
        m,
        store
            .page(sites, b.getLong("from"), b.getLong("to"), after.at(), after.id(), limit)
            .compose(chats -> gather(chats, new ArrayList<>(), 0).map(list -> {
              boolean cut = list.size() < chats.size();
              ChatRecord last = list.isEmpty() ? null : chats.get(list.size() - 1);
              return new JsonObject()
                  .put("transcripts", new JsonArray(list))
                  .put(
                      "next",
                      last == null || (!cut && chats.size() < limit)
                          ? null
                          : last.createdAt() + "." + last.id());
            })));
  }

  /** The transcripts of {@code chats} from {@code done.size()} on, while the page has room. */
  private Future<List<JsonObject>> gather(
      List<ChatRecord> chats, List<JsonObject> done, long bytes) {
    if (done.size() == chats.size()
        || (!done.isEmpty() && bytes >= config.chat().exportPageMaxBytes())) {
      return Future.succeededFuture(done);
    }
    return store.transcript(chats.get(done.size())).compose(t -> {
      done.add(t);
      return gather(chats, done, bytes + t.toBuffer().length());
    });
  }

  /** A page's cursor: {@code <createdAt>.<chatId>} of the last chat of the previous page. */
  record Cursor(long at, String id) {
    static Cursor parse(String s) {
      if (s == null || s.isEmpty()) {
        return new Cursor(-1, "");
      }
      int dot = s.indexOf('.');
      try {
        return new Cursor(Long.parseLong(s.substring(0, dot)), s.substring(dot + 1));
      } catch (RuntimeException e) {
        throw ServiceError.badRequest("after is not a cursor this API gave");
      }
    }
  }

  // ---- the visitor's transcript by e-mail

  private void emailRequest(Message<TopicMessage> m) {
    ServerTopics.PageEvent event = ServerTopics.PageEvent.of(m.body().topic());
    if (event == null) {
      return;
    }
    String sid = event.sessionId();
    String email = MailHeaders.address(m.body().jsonPayload().getValue("email"));
    if (!mailer.enabled()) {
      answer(sid, "refused", "mail-off", "e-mail is not available here");
      return;
    }
    if (email == null) {
      answer(sid, "refused", "bad-address", "please enter one valid e-mail address");
      return;
    }
    store
        .latestOfSession(sid)
        .onFailure(err -> answer(sid, "failed", "internal", "try again later"))
        .onSuccess(chat -> {
          if (chat.isEmpty() || !ChatRecord.ENDED.equals(chat.get().state())) {
            answer(
                sid, "refused", "not-ended", "the transcript can be sent once the chat has ended");
            return;
          }
          limits
              .take(chat.get().id(), sid, email, System.currentTimeMillis())
              .onFailure(err -> answer(sid, "failed", "internal", "try again later"))
              .onSuccess(refused -> send(sid, email, chat.get(), refused));
        });
  }

  /** Accepted (refused == null) or refused by a send limit: the page is told, the e-mail goes. */
  private void send(String sid, String email, ChatRecord chat, String refused) {
    if (refused != null) {
      answer(
          sid,
          "refused",
          "rate-limited",
          switch (refused) {
            case "chat" -> "this conversation was already sent";
            case "address" -> "too many e-mails to this address; try again later";
            default -> "too many e-mails; try again later";
          },
          refused); // which limit: the widget says it in the visitor's language (docs/I18N.md)
      return;
    }
    answer(sid, "queued", null, null);
    store
        .transcript(chat)
        .compose(t -> mailer.send(
            List.of(email),
            "Your conversation with " + siteName(chat.site()),
            Transcripts.text(t),
            Transcripts.html("Your conversation with " + siteName(chat.site()), List.of(t))))
        .onSuccess(v -> answer(sid, "sent", null, null))
        .onFailure(err -> answer(sid, "failed", "send-failed", "the e-mail could not be sent"));
  }

  private void answer(String sid, String state, String code, String message) {
    answer(sid, state, code, message, null);
  }

  private void answer(String sid, String state, String code, String message, String limit) {
    JsonObject payload = new JsonObject().put("state", state);
    if (code != null) {
      payload.put("code", code).put("message", message);
    }
    if (limit != null) {
      payload.put("limit", limit);
    }
    router.publishQuietly(ServerTopics.session(sid, "chat/transcript_email"), payload, false);
  }

  private String siteName(String site) {
    return config.site(site).map(GatewayConfig.Site::name).orElse(site);
  }

  // ---- left messages to the site's notify addresses

  private void leftMessage(Message<TopicMessage> m) {
    if (!(m.body().payload() instanceof JsonObject left) || !mailer.enabled()) {
      return;
    }
    String site = left.getString("site");
    List<String> to = config.mail().notifyTo().get(site);
    if (to == null || to.isEmpty()) {
      return;
    }
    if (notices.offer(site, left)) {
      String name = MailHeaders.text(left.getString("name", ""));
      notify(
          site,
          "New message on " + siteName(site) + (name.isBlank() ? "" : " from " + name),
          "A visitor left a message on " + siteName(site) + describe(left)
              + "\nAnswer it from the agent console's left messages.\n");
      vertx.setTimer(config.mail().notifyIntervalSeconds() * 1000L, t -> windowEnded(site));
    }
  }

  /** At most one notice per site and interval: what was left meanwhile goes in one. */
  private void windowEnded(String site) {
    LeftNotices.Held held = notices.windowEnded(site);
    if (held == null) {
      return;
    }
    StringBuilder text = new StringBuilder(
        "Visitors left " + held.total() + " messages on " + siteName(site) + ".\n");
    held.listed().forEach(left -> text.append("\n----").append(describe(left)));
    if (held.more() > 0) {
      text.append("\n----\n\n").append(held.more()).append(" more are not listed here.\n");
    }
    text.append("\nAnswer them from the agent console's left messages.\n");
    notify(site, held.total() + " new messages on " + siteName(site), text.toString());
    vertx.setTimer(config.mail().notifyIntervalSeconds() * 1000L, t -> windowEnded(site));
  }

  private static String describe(JsonObject left) {
    return (left.getString("button", "").isEmpty()
            ? ""
            : " (button " + left.getString("button") + ")")
        + ".\n\nName: " + MailHeaders.text(left.getString("name", "")) + "\nContact: "
        + MailHeaders.text(left.getString("contact", "")) + "\n\n" + left.getString("text", "")
        + "\n";
  }

  private void notify(String site, String subject, String text) {
    mailer
        .send(config.mail().notifyTo().get(site), subject, text, null)
        .onFailure(err -> LOG.warn("left-message notice for site [{}] not sent", site));
  }
}
