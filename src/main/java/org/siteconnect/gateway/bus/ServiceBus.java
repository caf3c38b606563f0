package org.siteconnect.gateway.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/**
 * Requests to the services with a short reply deadline. In a cluster, a request sent in the first moment after
 * the leader died goes to the dead node and is lost without an error; the event bus's default 30 s timeout would
 * keep an agent's click hanging that long. With this deadline the caller gets {@code 503 unavailable} after a few
 * seconds and retries against the new leader. Every service answers in milliseconds otherwise.
 */
public final class ServiceBus {
  public static final long REPLY_TIMEOUT_MS = 5_000;
  private static final DeliveryOptions OPTIONS =
      new DeliveryOptions().setSendTimeout(REPLY_TIMEOUT_MS);

  private final EventBus eventBus;

  public ServiceBus(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  public <T> Future<Message<T>> request(String address, Object body) {
    return eventBus.request(address, body, OPTIONS);
  }
}
