package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.siteconnect.gateway.config.GatewayConfig;

/** Owns the database's lifetime: opened (and migrated) on deploy, closed on undeploy. */
public final class DatabaseVerticle extends VerticleBase {
  private final GatewayConfig.Data data;
  private volatile Database database;

  public DatabaseVerticle(GatewayConfig.Data data) {
    this.data = data;
  }

  @Override
  public Future<?> start() {
    return Database.open(vertx, data).onSuccess(db -> database = db);
  }

  @Override
  public Future<?> stop() {
    Database db = database;
    return db == null ? Future.succeededFuture() : db.close();
  }

  public Database database() {
    return database;
  }
}
