package org.siteconnect.gateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SiteScopeTest {
  @Test
  @DisplayName("an admin's sites become an IN condition whose placeholders follow the query's own")
  void someSites() {
    SiteScope scope = new SiteScope(Set.of("acme"), false);
    assertEquals(" AND site IN ($3)", scope.and("site", 3));
    assertEquals(List.of("acme"), scope.args());
  }

  @Test
  @DisplayName("every site adds no condition; no site keeps nothing")
  void everyOrNoSite() {
    SiteScope every = new SiteScope(Set.of("acme"), true);
    assertEquals("", every.and("site", 2));
    assertEquals(List.of(), every.args());
    SiteScope none = new SiteScope(Set.of(), false);
    assertEquals(" AND 1 = 0", none.and("site", 2));
    assertEquals(List.of(), none.args());
  }

  @Test
  @DisplayName(
      "a request that names no sites reaches nothing (fail closed); the request form round-trips")
  void fromRequest() {
    assertEquals(new SiteScope(Set.of(), false), SiteScope.of(new JsonObject()));
    SiteScope scope = new SiteScope(Set.of("acme", "beta"), false);
    assertEquals(scope, SiteScope.of(scope.into(new JsonObject())));
    assertEquals(
        new JsonArray().add("acme"),
        new SiteScope(Set.of("acme"), true).into(new JsonObject()).getJsonArray("sites"));
  }
}
