package org.siteconnect.gateway.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A service verticle's event-bus consumers; {@link #registered()} completes once all are (cluster-wide). */
public final class ServiceConsumers {
  private final EventBus eventBus;
  private final List<Future<Void>> registrations = new ArrayList<>();

  public ServiceConsumers(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** Requests: each gets an answer, an exception thrown inside {@code handler} included (see ServiceHandlers). */
  public ServiceConsumers request(String address, Handler<Message<JsonObject>> handler) {
    return add(eventBus.consumer(address, ServiceHandlers.guard(handler)));
  }

  /** Topic messages that the router delivers to {@code address}. */
  public ServiceConsumers topic(String address, Handler<Message<TopicMessage>> handler) {
    return add(eventBus.consumer(address, handler));
  }

  public Future<Void> registered() {
    return Future.all(registrations).mapEmpty();
  }

  private ServiceConsumers add(MessageConsumer<?> consumer) {
    registrations.add(consumer.completion());
    return this;
  }
}
