package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Owns the embedded database's lifetime: opened (and migrated) on deploy, closed on undeploy. */
public final class DatabaseVerticle extends VerticleBase {
  private final String dataDir;
  private volatile Database database;

  public DatabaseVerticle(String dataDir) {
    this.dataDir = dataDir;
  }

  @Override
  public Future<?> start() {
    return Database.open(vertx, dataDir).onSuccess(db -> database = db);
  }

  @Override
  public Future<?> stop() {
    Database db = database;
    return db == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      db.close();
      return null;
    });
  }

  public Database database() {
    return database;
  }
}
