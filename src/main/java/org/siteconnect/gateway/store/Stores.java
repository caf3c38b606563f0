package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.siteconnect.gateway.agent.AgentStore;
import org.siteconnect.gateway.agent.JdbcAgentStore;
import org.siteconnect.gateway.agent.PgAgentStore;
import org.siteconnect.gateway.chat.ChatStore;
import org.siteconnect.gateway.chat.JdbcChatStore;
import org.siteconnect.gateway.chat.PgChatStore;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.AuditStore;
import org.siteconnect.gateway.ops.JdbcAuditStore;
import org.siteconnect.gateway.ops.PgAuditStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * A node's durable data (DESIGN §9): PostgreSQL when {@code data.postgres} is configured (clustered nodes share
 * it), else the embedded database under {@code data.dir}. Either way migrated before it is returned.
 */
public record Stores(AgentStore agents, ChatStore chats, AuditStore audit, Supplier<Future<Void>> closer) {
  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

  public static Future<Stores> open(Vertx vertx, GatewayConfig.Data data) {
    GatewayConfig.Postgres pg = data.postgres();
    if (pg != null) {
      LOG.info("durable data on PostgreSQL [{}:{}/{}]", pg.host(), pg.port(), pg.database());
      return PgDatabase.open(vertx, pg).map(db -> new Stores(new PgAgentStore(db), new PgChatStore(db),
          new PgAuditStore(db), db::close));
    }
    LOG.info("durable data in the embedded database [{}]", data.dir());
    return Database.open(vertx, data.dir()).map(db -> new Stores(new JdbcAgentStore(db), new JdbcChatStore(db),
        new JdbcAuditStore(db), () -> vertx.executeBlocking(() -> {
          db.close();
          return null;
        })));
  }

  public Future<Void> close() {
    return closer.get();
  }
}
