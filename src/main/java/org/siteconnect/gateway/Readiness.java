package org.siteconnect.gateway;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which verticles are deployed; {@code /health} says UP only when all of them are. */
public final class Readiness {
  private final List<String> expected;
  private final Map<String, Boolean> up = new ConcurrentHashMap<>();

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

  public boolean allUp() {
    return expected.stream().allMatch(name -> up.getOrDefault(name, false));
  }

  public JsonObject describe() {
    JsonObject json = new JsonObject();
    expected.forEach(name -> json.put(name, up.getOrDefault(name, false) ? "UP" : "DOWN"));
    return json;
  }
}
