package org.siteconnect.gateway.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a server component asks of its node's topic router: a subscription for an address, a publish. */
public final class RouterRequests {
  private static final Logger LOG = LoggerFactory.getLogger(RouterRequests.class);
  private final EventBus eventBus;

  public RouterRequests(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** Messages on topics matching {@code filter} go to {@code address} as {@link TopicMessage}s. */
  public Future<Void> subscribe(String filter, String address) {
    return eventBus
        .request(
            Addresses.ROUTER_SUBSCRIBE,
            new JsonObject().put("filter", filter).put("address", address))
        .mapEmpty();
  }

  /** Publishes as the server; fails when the router refuses. */
  public Future<Void> publish(String topic, Object payload, boolean retain) {
    return eventBus
        .request(
            Addresses.ROUTER_PUBLISH,
            new JsonObject().put("topic", topic).put("payload", payload).put("retain", retain))
        .mapEmpty();
  }

  /** Publishes as the server where nobody waits for the outcome: a refusal is only logged. */
  public void publishQuietly(String topic, Object payload, boolean retain) {
    publish(topic, payload, retain)
        .onFailure(err -> LOG.warn("publish failed [{}]: {}", topic, err.getMessage()));
  }
}
