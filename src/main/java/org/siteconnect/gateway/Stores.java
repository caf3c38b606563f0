package org.siteconnect.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.siteconnect.gateway.agent.AgentStore;
import org.siteconnect.gateway.agent.SqlAgentStore;
import org.siteconnect.gateway.chat.ChatStore;
import org.siteconnect.gateway.chat.SqlChatStore;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.AuditStore;
import org.siteconnect.gateway.ops.SqlAuditStore;
import org.siteconnect.gateway.store.Database;

/** A node's durable data: each feature's store over the one database (the embedded one, or PostgreSQL). */
public record Stores(AgentStore agents, ChatStore chats, AuditStore audit, Database database) {
  public static Stores over(Database db) {
    return new Stores(new SqlAgentStore(db), new SqlChatStore(db), new SqlAuditStore(db), db);
  }

  public static Future<Stores> open(Vertx vertx, GatewayConfig.Data data) {
    return Database.open(vertx, data).map(Stores::over);
  }

  public Future<Void> close() {
    return database.close();
  }
}
