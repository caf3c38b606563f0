package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.ClusterFixture;
import org.siteconnect.gateway.support.Eventually;

/**
 * Three gateway JVMs: a publish goes to the nodes whose pages subscribe to it, and to no other (DESIGN §9,
 * cluster forwarding), over the direct links between their routers, which only the other routers may use.
 */
class ClusterForwardingTest extends ClusterFixture {
  private static final Pattern FORWARDED_IN =
      Pattern.compile("sc_cluster_forwarded_total\\{direction=\"in\",?\\} ([0-9.E]+)");
  private static final Pattern LINKS =
      Pattern.compile("sc_cluster_router_links(?:\\{\\})? ([0-9.E]+)");
  private static final Pattern LINK_PORT =
      Pattern.compile("router link listening on 127\\.0\\.0\\.1:(\\d+)");
  /** RouterLinks.MAX_UNIDENTIFIED: connections not yet past the hello a node keeps open. */
  private static final int MAX_UNIDENTIFIED = 64;

  @Override
  protected int nodeCount() {
    return 3;
  }

  /** Publishes forwarded to this node's router so far (its {@code /metrics}). */
  private long forwardedIn(int node) throws Exception {
    Matcher m = FORWARDED_IN.matcher(metrics(node));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  @DisplayName(
      "a page's publish reaches a wildcard subscriber on another node; the node without a matching page gets nothing")
  void onlyMatchingNodesAreForwardedTo() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b = page(1);
    BridgeClient c = page(2);
    b.subscribe("wild", "public/fwd/+/today");
    c.subscribe("other", "public/fwd-other");
    long beforeB = forwardedIn(1);
    long beforeC = forwardedIn(2);
    for (int i = 0; i < 20; i++) {
      a.publish("public/fwd/news/today", new JsonObject().put("n", i));
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(
          i, b.nextMessage("public/fwd/news/today").getJsonObject("payload").getInteger("n"));
    }
    // Sent after the twenty: once C has it, anything forwarded to C before it has arrived too.
    a.publish("public/fwd-other", "for C");
    assertEquals("for C", c.nextMessage("public/fwd-other").getString("payload"));
    assertEquals(1, forwardedIn(2) - beforeC, "C got the one publish its page wants, no other");
    assertEquals(20, forwardedIn(1) - beforeB, "B got the twenty, not the one for C");
    c.assertNone(f -> "public/fwd/news/today".equals(BridgeClient.body(f).getString("topic")), 200);
  }

  @Test
  @DisplayName(
      "a publish made on node A right after a page on node B got its suback reaches that page, every time")
  void subscribeThenPublishAcrossNodes() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b = page(1);
    BridgeClient c = page(2);
    for (int i = 0; i < 25; i++) {
      String topic = "public/race/" + i;
      BridgeClient subscriber = i % 2 == 0 ? b : c;
      subscriber.subscribe(
          "race-" + i, topic); // a filter no page used before: the other nodes learn it now
      a.publish(topic, i);
      assertEquals(i, subscriber.nextMessage(topic).getInteger("payload"), "publish " + i);
    }
  }

  @Test
  @DisplayName(
      "after a page unsubscribes, its node is no longer forwarded to; a second page's filter keeps it")
  void unsubscribeStopsForwarding() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b1 = page(1);
    BridgeClient b2 = page(1);
    BridgeClient c = page(2);
    b1.subscribe("one", "public/unsub/x");
    b2.subscribe("two", "public/unsub/x");
    c.subscribe("fence", "public/unsub/fence");
    b1.command(new JsonObject().put("op", "unsub").put("id", "one"));
    b1.nextBody("unsuback");
    a.publish("public/unsub/x", "still");
    assertEquals("still", b2.nextMessage("public/unsub/x").getString("payload"));
    b2.command(new JsonObject().put("op", "unsub").put("id", "two"));
    b2.nextBody("unsuback");
    // The delta that withdraws the filter is not awaited by unsuback: give it the time a fence
    // takes.
    b2.subscribe("fence", "public/unsub/fence2");
    long before = forwardedIn(1);
    a.publish("public/unsub/x", "nobody");
    a.publish("public/unsub/fence", "for C");
    c.nextMessage("public/unsub/fence");
    a.publish("public/unsub/fence2", "for B");
    b2.nextMessage("public/unsub/fence2");
    assertEquals(1, forwardedIn(1) - before, "B got the fence only");
  }

  @Test
  @DisplayName("every node forwards to each other node over a direct link between their routers")
  void routersAreLinked() throws Exception {
    for (int node = 0; node < nodeCount(); node++) {
      int n = node; // a metric: the last link may still be opening
      Eventually.until(
          "links open from node " + n,
          Duration.ofSeconds(10),
          () -> links(n),
          open -> open == nodeCount() - 1);
    }
  }

  @Test
  @DisplayName(
      "connections to a router's link port without its token, or past the bound of strangers, are closed and"
          + " deliver nothing; the nodes' own links keep working")
  void strangersOnTheLinkPortAreRefused() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b = page(1);
    b.subscribe("forged", "public/forged/#");
    int port = linkPort(1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Socket> silent = new ArrayList<>();
    try {
      // Silent strangers up to the bound hold their slots until the hello timeout...
      List<Future<Socket>> opened = new ArrayList<>();
      for (int i = 0; i < MAX_UNIDENTIFIED; i++) {
        opened.add(pool.submit(() -> new Socket("127.0.0.1", port)));
      }
      for (Future<Socket> f : opened) {
        silent.add(f.get());
      }
      // ...so a burst of forgers past it, each with a wrong token or an oversized hello and then a
      // publish that would reach B's page, is closed at once, and so is each of them later on its
      // own.
      forgeInBurst(pool, port);
      assertThrows(
          SocketTimeoutException.class,
          () -> readWithin(silent.get(0), 200),
          "the silent strangers are still within the hello timeout");
      for (Socket s : silent) {
        assertEquals(-1, readWithin(s, 15_000), "a silent stranger closed after the hello timeout");
      }
      forgeInBurst(pool, port);
    } finally {
      pool.shutdownNow();
      for (Socket s : silent) {
        s.close();
      }
    }
    a.publish("public/forged/real", "from a page on node 0");
    assertEquals("from a page on node 0", b.nextMessage("public/forged/real").getString("payload"));
    b.assertNone(
        f -> BridgeClient.body(f).getString("topic", "").startsWith("public/forged/x"), 200);
    assertEquals(nodeCount() - 1, links(0), "node 0's links are untouched");
    assertTrue(nodes.output(1).contains("closed a router link connection"), "the node says why");
  }

  /** Forty forgers at once; each connection must be closed by the node. */
  private static void forgeInBurst(ExecutorService pool, int port) throws Exception {
    List<Callable<Boolean>> forgers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int n = i;
      forgers.add(() -> forgeAndAwaitClose(port, n));
    }
    for (Future<Boolean> closed : pool.invokeAll(forgers)) {
      assertTrue(closed.get(), "a forger's connection was closed");
    }
  }

  /**
   * Opens a link to {@code port} as a forger would (half with a made-up token, half with a hello too long to be
   * one), sends a publish for B's page after it, and says whether the node closed the connection.
   */
  private static boolean forgeAndAwaitClose(int port, int n) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      try {
        if (n % 2 == 0) {
          record(out, "{\"node\":\"forger\",\"token\":\"guessed-" + n + "\"}");
        } else {
          out.writeInt(Integer.MAX_VALUE);
        }
        record(
            out,
            "{\"topic\":\"public/forged/x" + n + "\",\"payload\":\"forged\",\"retain\":false}");
        out.flush();
      } catch (IOException closedWhileWriting) {
        return true;
      }
      try {
        return readWithin(socket, 15_000) == -1;
      } catch (SocketTimeoutException stillOpen) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }
  }

  private static void record(DataOutputStream out, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static int readWithin(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    return socket.getInputStream().read();
  }

  private long links(int node) throws Exception {
    Matcher m = LINKS.matcher(metrics(node));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private int linkPort(int node) {
    Matcher m = LINK_PORT.matcher(nodes.output(node));
    assertTrue(m.find(), "node " + node + " says where its router link listens");
    return Integer.parseInt(m.group(1));
  }
}
