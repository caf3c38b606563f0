package org.siteconnect.gateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.siteconnect.gateway.bus.ServiceError;

/** How an admin names a visitor, and when an e-mail address counts as found in free text. */
class VisitorSelectorTest {
  @ParameterizedTest(name = "[{0}] in \"{1}\" → {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ann@example.org | ann@example.org | true",
        "ann@example.org | Ann <ANN@example.org> | true",
        "ann@example.org | mail ann@example.org. | true",
        "ann@example.org | (ann@example.org) | true",
        "ann@example.org | joann@example.org | false",
        "ann@example.org | ann@example.org.uk | false",
        "ann@example.org | ann@example.organic | false",
        "ann@example.org | x.ann@example.org | false",
        "ann@example.org | ann@example.org, bob@example.org | true",
        "a_n@example.org | a_n@example.org | true",
      })
  @DisplayName("an e-mail address is found in text as a whole address only")
  void mentions(String email, String text, boolean found) {
    assertEquals(found, Emails.mentions(text, email));
  }

  @Test
  @DisplayName("LIKE wildcards in an address are matched literally")
  void escapesLike() {
    assertEquals("a\\_b\\%c\\\\d@x", Emails.escapeLike("a_b%c\\d@x"));
  }

  @Test
  @DisplayName("an e-mail selector is trimmed and lower-cased; ids are kept as given")
  void normalises() {
    assertEquals(
        new VisitorSelector(VisitorSelector.Kind.EMAIL, "ann@example.org"),
        VisitorSelector.of(new JsonObject().put("email", " Ann@Example.ORG ")));
    assertEquals(
        new VisitorSelector(VisitorSelector.Kind.CHAT_ID, "AbC"),
        VisitorSelector.of(new JsonObject().put("chatId", "AbC")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}",
        "{\"email\":\"a@b\",\"chatId\":\"x\"}",
        "{\"email\":\"ann\"}",
        "{\"email\":\"a b@c\"}",
        "{\"email\":\"<a@b>\"}",
        "{\"email\":true}",
        "{\"visitorToken\":\"\"}",
      })
  @DisplayName("anything but exactly one well-formed selector is a 400 bad-selector")
  void refuses(String json) {
    ServiceError e =
        assertThrows(ServiceError.class, () -> VisitorSelector.of(new JsonObject(json)));
    assertEquals(400, e.status());
    assertEquals("bad-selector", e.code());
  }
}
