package org.siteconnect.gateway.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes made on one node during one turn of its router's loop, on their way to the other routers in one
 * event-bus message. With Hazelcast every clustered send looks its address up in a cluster map, which costs far
 * more than the message itself; one lookup per batch instead of one per publish.
 *
 * @param messages the publishes, in order
 */
public record ForwardBatch(List<Forwarded> messages) {

  /**
   * One publish: {@code retain} means "keep as retained"; {@code owner} is the page session (or agent) whose
   * retained-message quota it is charged to, null for the server's own publishes.
   */
  public record Forwarded(String topic, Object payload, boolean retain, String owner) {
    JsonObject toJson() {
      return new JsonObject()
          .put("topic", topic)
          .put("payload", payload)
          .put("retain", retain)
          .put("owner", owner);
    }

    /** This publish alone as JSON (a router link's record). */
    public Buffer encode() {
      return toJson().toBuffer();
    }

    /** Reads what {@link #encode} made; throws on anything else. */
    public static Forwarded decode(Buffer json) {
      JsonObject object = new JsonObject(json);
      if (!(object.getValue("topic") instanceof String)) {
        throw new IllegalArgumentException("a forwarded publish without a topic");
      }
      return fromJson(object);
    }

    static Forwarded fromJson(JsonObject json) {
      return new Forwarded(
          json.getString("topic"),
          json.getValue("payload"),
          json.getBoolean("retain", false),
          json.getString("owner"));
    }
  }

  /** Local deliveries share the instance; between nodes the batch travels as a JSON array. */
  public static final class Codec extends SharedJsonCodec<ForwardBatch> {
    public Codec() {
      super("sc.forward-batch", ForwardBatch::toJson, ForwardBatch::fromJson);
    }
  }

  private static Buffer toJson(ForwardBatch batch) {
    JsonArray array = new JsonArray(new ArrayList<>(batch.messages().size()));
    batch.messages().forEach(m -> array.add(m.toJson()));
    return array.toBuffer();
  }

  private static ForwardBatch fromJson(Buffer json) {
    JsonArray array = new JsonArray(json);
    List<Forwarded> messages = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      messages.add(Forwarded.fromJson(array.getJsonObject(i)));
    }
    return new ForwardBatch(messages);
  }
}
