package org.siteconnect.gateway.bus;

import io.vertx.core.json.JsonObject;

/**
 * A message delivered by the router to a server component subscribed on an event-bus address. Created once
 * per publish and shared by every local recipient (the codec does not copy it): treat the payload as
 * read-only.
 *
 * @param topic    the concrete server-form topic (e.g. {@code pagesession/<sid>/chat/trigger})
 * @param payload  a JSON value: JsonObject, JsonArray, String, Number, Boolean or null
 * @param retained true when replayed from the retained store on subscribe
 */
public record TopicMessage(String topic, Object payload, boolean retained) {

  /** The payload if it is a JSON object, else an empty one. */
  public JsonObject jsonPayload() {
    return payload instanceof JsonObject json ? json : new JsonObject();
  }

  public JsonObject toJson() {
    return new JsonObject().put("topic", topic).put("payload", payload).put("retained", retained);
  }

  public static TopicMessage fromJson(JsonObject json) {
    return new TopicMessage(
        json.getString("topic"), json.getValue("payload"), json.getBoolean("retained", false));
  }

  /** Local deliveries share the instance; clustered ones travel as JSON. */
  public static final class Codec extends SharedJsonCodec<TopicMessage> {
    public static final String NAME = "sc.topic-message";

    public Codec() {
      super(NAME, message -> message.toJson().toBuffer(), json -> fromJson(new JsonObject(json)));
    }
  }
}
