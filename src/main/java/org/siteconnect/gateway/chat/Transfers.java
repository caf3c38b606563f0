package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.siteconnect.gateway.store.Database;

/**
 * Chat transfers (docs/CONSOLE.md "Transfer"): the event-bus addresses of the rule checks, and the notes in
 * {@code chat_transfer} (V6__tools.sql) that the receiving agent reads beside the history. Notes are for agents
 * only: they never go to the visitor's page.
 */
public final class Transfers {
  /** Chat service: {@code {chat_id, login, name, buttons, toAgent | toButton, note, address}} → the chat. */
  public static final String TRANSFER = "sc.chat.transfer";
  /** Chat service: {@code {chat_id, login}} → {@code {agents, buttons}} the holder may hand the chat to. */
  public static final String TARGETS = "sc.chat.transfer-targets";
  /** Chat buttons: {@code {login, button}} → {@code {ok, reason?, maxChats}}. */
  static final String CAN_TAKE = "sc.buttons.can-take";
  /** Chat buttons: {@code {button}} → {@code {agents: [{login, name, activeChats, maxChats}]}}. */
  static final String TAKERS = "sc.buttons.takers";

  private final Database db;

  public Transfers(Database db) {
    this.db = db;
  }

  Future<Void> record(JsonObject t) {
    return db.run(
            "INSERT INTO chat_transfer (chat_id, at, from_login, from_name, to_login, to_button, note) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            t.getString("chat_id"),
            t.getLong("at"),
            t.getString("from"),
            t.getString("fromName"),
            t.getString("to"),
            t.getString("toButton"),
            t.getString("note"))
        .mapEmpty();
  }

  /** The chat's transfers, oldest first: {@code [{chat_id, at, from, fromName, to, toButton, note}]}. */
  Future<JsonArray> of(String chatId) {
    return db.run(
            "SELECT chat_id, at, from_login, from_name, to_login, to_button, note FROM chat_transfer "
                + "WHERE chat_id = $1 ORDER BY at",
            chatId)
        .map(rows -> new JsonArray(Database.rows(rows, r -> new JsonObject()
            .put("chat_id", r.getString(0))
            .put("at", r.getLong(1))
            .put("from", r.getString(2))
            .put("fromName", r.getString(3))
            .put("to", r.getString(4))
            .put("toButton", r.getString(5))
            .put("note", r.getString(6)))));
  }
}
