package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.siteconnect.gateway.config.GatewayConfig;

/** Owns the durable stores' lifetime: opened (and migrated) on deploy, closed on undeploy. */
public final class DatabaseVerticle extends VerticleBase {
  private final GatewayConfig.Data data;
  private volatile Stores stores;

  public DatabaseVerticle(GatewayConfig.Data data) {
    this.data = data;
  }

  @Override
  public Future<?> start() {
    return Stores.open(vertx, data).onSuccess(s -> stores = s);
  }

  @Override
  public Future<?> stop() {
    Stores s = stores;
    return s == null ? Future.succeededFuture() : s.close();
  }

  public Stores stores() {
    return stores;
  }
}
