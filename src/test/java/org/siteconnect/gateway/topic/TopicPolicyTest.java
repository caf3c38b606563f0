package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The access rules as a table: who, what, which server-form topic, allowed or not. */
class TopicPolicyTest {
  private static final Principal PAGE = new Principal.Page("s1", "siteA");
  /** Serves siteA's sales button; reads siteA and siteB. */
  private static final Principal AGENT =
      new Principal.AgentConsole("ann", Set.of("siteA", "siteB"), List.of("siteA/sales"));

  private static final TopicPolicy POLICY = new TopicPolicy(
      new Acl(List.of("news/#", "prices/+/eur"), List.of("chat/+/in", "$sys/forbidden")));

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      page  | sub | pagesession/s1/cobrowsing/state        | true
      page  | sub | pagesession/s1/#                       | true
      page  | sub | pagesession/s1                         | true
      page  | sub | pagesession/s2/#                       | false
      page  | sub | pagesession                            | false
      page  | sub | $sites/siteA/buttons                   | true
      page  | sub | $sites/siteA/#                         | false
      page  | sub | $sites/siteA/chat_button/#             | true
      page  | sub | $sites/siteA/chats/#                   | false
      page  | sub | $sites/siteA/chats/c1/message          | false
      page  | sub | $sites/siteA/+/c1/message              | false
      page  | sub | $sites/siteA/messages/m1               | false
      page  | sub | $sites/siteA/cobrowse/+/started        | false
      page  | sub | $sites/siteB/buttons                   | false
      page  | sub | $sites/+/buttons                       | false
      page  | sub | $agents/siteA/chat_queue/sales         | false
      page  | sub | agent/ann/inbox                        | false
      page  | sub | news/today                             | true
      page  | sub | news/#                                 | true
      page  | sub | #                                      | false
      page  | sub | +/today                                | false
      page  | sub | prices/+/eur                           | true
      page  | sub | prices/#                               | false
      page  | sub | sports/today                           | false
      agent | sub | pagesession/s1/#                       | false
      agent | sub | $sites/siteA/buttons                   | true
      agent | sub | $sites/siteB/#                         | false
      agent | sub | $sites/siteB/chat_button/+             | true
      agent | sub | $sites/siteA/chats/+/message           | false
      agent | sub | $sites/siteA/chats/c1/#                | false
      agent | sub | $sites/siteA/messages/#                | false
      agent | sub | $sites/siteA/cobrowse/c1/ended         | false
      agent | sub | $sites/siteC/#                         | false
      agent | sub | $agents/siteA/chat_queue/sales         | true
      agent | sub | $agents/siteA/chat_queue/support       | false
      agent | sub | $agents/siteA/chat_queue/sales/x       | false
      agent | sub | $agents/siteA/chat_queue/+             | false
      agent | sub | $agents/+/chat_queue/sales             | false
      agent | sub | $agents/siteA/chats/sales/c1/message   | true
      agent | sub | $agents/siteA/chats/sales/#            | true
      agent | sub | $agents/siteA/chats/support/#          | false
      agent | sub | $agents/siteA/cobrowse/ann/#           | true
      agent | sub | $agents/siteA/cobrowse/bob/#           | false
      agent | sub | $agents/siteA/cobrowse/+/#             | false
      agent | sub | $agents/siteB/cobrowse/ann/#           | false
      agent | sub | $agents/siteA/other/sales              | false
      agent | sub | $agents/siteA/#                        | false
      agent | sub | agent/ann/inbox                        | true
      agent | sub | agent/ann/#                            | true
      agent | sub | agent/bob/#                            | false
      agent | sub | agent/+/inbox                          | false
      agent | sub | news/today                             | true
      agent | sub | #                                      | false
      page  | pub | pagesession/s1/chat/message            | true
      page  | pub | pagesession/s2/chat/message            | false
      page  | pub | chat/room1/in                          | true
      page  | pub | chat/room1/out                         | false
      page  | pub | $sys/forbidden                         | false
      page  | pub | $sites/siteA/buttons                   | false
      page  | pub | agent/ann/inbox                        | false
      agent | pub | agent/ann/typing                       | true
      agent | pub | agent/ann                              | false
      agent | pub | agent/bob/typing                       | false
      agent | pub | chat/room1/in                          | false
      agent | pub | pagesession/s1/chat/message            | false
      agent | pub | $agents/siteA/chats/sales/c1/message   | false
      """)
  void decides(String who, String op, String topic, boolean allowed) {
    Principal principal = "page".equals(who) ? PAGE : AGENT;
    boolean decision = "sub".equals(op)
        ? POLICY.maySubscribe(principal, TopicFilter.parse(topic))
        : POLICY.mayPublish(principal, TopicName.parse(topic));
    assertEquals(allowed, decision);
  }
}
