package org.siteconnect.gateway.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.function.Function;

/**
 * An event-bus codec for an immutable message type: local deliveries share the instance (no copy); between nodes
 * it travels as length-prefixed JSON, made and read by the functions given.
 */
public class SharedJsonCodec<T> implements MessageCodec<T, T> {
  private final String name;
  private final Function<T, Buffer> toJson;
  private final Function<Buffer, T> fromJson;

  protected SharedJsonCodec(String name, Function<T, Buffer> toJson, Function<Buffer, T> fromJson) {
    this.name = name;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  @Override
  public final void encodeToWire(Buffer buffer, T value) {
    Buffer json = toJson.apply(value);
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public final T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return fromJson.apply(buffer.getBuffer(pos + 4, pos + 4 + length));
  }

  @Override
  public final T transform(T value) {
    return value;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final byte systemCodecID() {
    return -1;
  }
}
