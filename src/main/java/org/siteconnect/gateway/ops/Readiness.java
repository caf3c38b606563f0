package org.siteconnect.gateway.ops;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which verticles are deployed; {@code /health} says UP only when all of them are. */
public final class Readiness {
  private final List<String> expected;
  private final Map<String, Boolean> up = new ConcurrentHashMap<>();
  private volatile boolean draining;

  public Readiness(List<String> expected) {
    this.expected = List.copyOf(expected);
    expected.forEach(name -> up.put(name, false));
  }

  public void markUp(String name) {
    up.put(name, true);
  }

  public void markDown(String name) {
    up.put(name, false);
  }

  public void markDraining() {
    draining = true;
  }

  /** Ready for new traffic: everything deployed and not shutting down. */
  public boolean ready() {
    return !draining && allUp();
  }

  public boolean isDraining() {
    return draining;
  }

  public boolean allUp() {
    return expected.stream().allMatch(name -> up.getOrDefault(name, false));
  }

  public JsonObject describe() {
    JsonObject json = new JsonObject();
    expected.forEach(name -> json.put(name, up.getOrDefault(name, false) ? "UP" : "DOWN"));
    return json;
  }
}
