package org.siteconnect.gateway.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.topic.RetainedStore;
import org.siteconnect.gateway.topic.TopicFilter;
import org.siteconnect.gateway.topic.TopicLimits;
import org.siteconnect.gateway.topic.TopicName;

class RetainedBudgetsTest {
  private static final TopicLimits LIMITS = new TopicLimits(65_535, 32);

  private static TopicName t(String topic) {
    return TopicName.parse(topic, LIMITS);
  }

  private static List<String> match(RetainedBudgets b, String filter) {
    List<String> out = new ArrayList<>();
    b.match(
        TopicFilter.parse(filter, LIMITS),
        (topic, payload) -> out.add(topic.value() + "=" + payload));
    return out;
  }

  @Test
  @DisplayName(
      "a session's quota counts messages and bytes; replacing its own message is not a new one")
  void quota() {
    RetainedBudgets b = new RetainedBudgets(100, 10_000, 2, 100);
    assertEquals(
        RetainedBudgets.PageResult.STORED, b.putPage(t("pagesession/s1/a"), "x", 40, "s1"));
    assertEquals(
        RetainedBudgets.PageResult.STORED, b.putPage(t("pagesession/s1/a"), "y", 50, "s1"));
    assertEquals(
        RetainedBudgets.PageResult.STORED, b.putPage(t("pagesession/s1/b"), "z", 50, "s1"));
    assertEquals(
        RetainedBudgets.PageResult.QUOTA, b.putPage(t("pagesession/s1/c"), "w", 1, "s1"), "count");
    assertEquals(
        RetainedBudgets.PageResult.QUOTA, b.putPage(t("pagesession/s1/b"), "w", 51, "s1"), "bytes");
    assertEquals(RetainedBudgets.PageResult.CLEARED, b.putPage(t("pagesession/s1/a"), "", 0, "s1"));
    assertEquals(
        RetainedBudgets.PageResult.STORED, b.putPage(t("pagesession/s1/c"), "w", 50, "s1"));
    assertEquals(
        RetainedBudgets.PageResult.STORED, b.putPage(t("pagesession/s2/a"), "v", 100, "s2"));
  }

  @Test
  @DisplayName("pages cannot fill the server's budget, and the page budget has its own total cap")
  void separateBudgets() {
    RetainedBudgets b = new RetainedBudgets(2, 10_000, 10, 10_000);
    b.putPage(t("public/a"), "1", 1, "s1");
    b.putPage(t("public/b"), "2", 1, "s2");
    assertEquals(RetainedBudgets.PageResult.FULL, b.putPage(t("public/c"), "3", 1, "s3"));
    assertEquals(
        RetainedStore.Result.STORED, b.putServer(t("$sites/acme/chat_button/sales"), "on", 2));
    assertEquals(RetainedStore.Result.STORED, b.putServer(t("pagesession/s1/chat/state"), "s", 1));
    assertEquals(4, b.count());
  }

  @Test
  @DisplayName(
      "the server's message wins on a shared topic; a global topic taken over changes its owner")
  void precedence() {
    RetainedBudgets b = new RetainedBudgets(10, 10_000, 1, 10_000);
    b.putPage(t("public/x"), "page", 4, "s1");
    b.putServer(t("public/x"), "server", 6);
    assertEquals(List.of("public/x=server"), match(b, "public/#"));
    assertEquals(1, b.count(), "the page copy went");
    b.putPage(t("public/y"), "one", 3, "s1");
    b.putPage(t("public/y"), "two", 3, "s2"); // s2 overwrote it: s1's quota is free again
    assertEquals(RetainedBudgets.PageResult.STORED, b.putPage(t("public/z"), "three", 5, "s1"));
  }

  @Test
  @DisplayName(
      "a session's end removes its retained messages (global ones it published too) and the server's on its topics")
  void endSession() {
    RetainedBudgets b = new RetainedBudgets(100, 10_000, 10, 10_000);
    b.putPage(t("pagesession/s1/a"), "1", 1, "s1");
    b.putPage(t("public/by-s1"), "2", 1, "s1");
    b.putPage(t("pagesession/s2/a"), "3", 1, "s2");
    b.putServer(t("pagesession/s1/chat/state"), "4", 1);
    b.putServer(t("$agents/acme/chat_queue"), "5", 1);
    assertEquals(3, b.endSession("s1"));
    assertEquals(List.of("$agents/acme/chat_queue=5"), match(b, "$agents/#"));
    assertEquals(List.of("pagesession/s2/a=3"), match(b, "pagesession/#"));
    assertEquals(0, b.endSession("s1"));
    assertEquals(2, b.count());
  }
}
