package org.siteconnect.gateway.router;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.siteconnect.gateway.bus.ForwardBatch;
import org.siteconnect.gateway.bus.RandomIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct TCP links between the routers of a cluster, for forwarded publishes (cross-node chat's hot path). Over
 * the clustered event bus a forward took two more thread hand-offs: that bus's outbound socket and its server
 * each sit on an event loop of their own, so a publish went router → bus loop → wire → bus loop → router. A link
 * is opened and served on the router's own loop: one router writes into the socket, the other reads from it.
 *
 * <p>Each node listens on {@code cluster.host}:{@code cluster.routerPort} and says where, with a random token, in
 * the filter set it sends the other routers over the event bus; a peer connects there and opens with that token.
 * A link carries one direction only (this node's forwards to one peer), records of a 4-byte length and one
 * forwarded publish as JSON, written once per turn of the loop. Until a link is up its forwards wait, in order; if
 * it cannot be opened, or breaks, they go over the event bus as before (as they do to a node that has no link).
 */
final class RouterLinks {
  private static final Logger LOG = LoggerFactory.getLogger(RouterLinks.class);
  /** The largest forwarded publish a link takes: far past any frame a page or component may publish. */
  static final int MAX_RECORD_BYTES = 64 << 20;
  /** The opening record (node and token) is small; a connection that sends more is not a router. */
  static final int MAX_HELLO_BYTES = 1024;
  /** A connection that has not said who it is by then is closed. */
  static final long HELLO_TIMEOUT_MS = 5_000;
  /** Connections not yet past the hello, at most: the rest are closed as they arrive. */
  static final int MAX_UNIDENTIFIED = 64;
  /** Forwards held for a link being opened, at most; past it they go over the event bus. */
  static final long MAX_WAITING_BYTES = 16L << 20;

  private static final long CONNECT_TIMEOUT_MS = 3_000;

  private final Vertx vertx;
  private final String nodeId;
  private final String host;
  private final int port;
  private final String token = RandomIds.urlSafe(24);
  private final Consumer<ForwardBatch.Forwarded> received;
  private final BiConsumer<String, List<ForwardBatch.Forwarded>> overEventBus;
  private final Map<String, Outbound> outbound = new HashMap<>();
  private Context context;
  private NetClient client;
  private int boundPort;
  private int unidentified;

  /**
   * @param received where a publish forwarded by a peer goes (called on the router's context)
   * @param overEventBus how forwards to a node without a link are sent
   */
  RouterLinks(
      Vertx vertx,
      String nodeId,
      String host,
      int port,
      Consumer<ForwardBatch.Forwarded> received,
      BiConsumer<String, List<ForwardBatch.Forwarded>> overEventBus) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.host = host;
    this.port = port;
    this.received = received;
    this.overEventBus = overEventBus;
  }

  /** Listens; called on the router's context, which every socket of the links then shares. */
  Future<Void> start() {
    context = vertx.getOrCreateContext();
    client = vertx.createNetClient(
        new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT_MS).setTcpNoDelay(true));
    NetServer server = vertx.createNetServer(
        new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true));
    server.connectHandler(this::accepted);
    return server.listen().map(s -> {
      boundPort = s.actualPort();
      LOG.info("router link listening on {}:{}", host, boundPort);
      return null;
    });
  }

  /** Where peers connect, for this node's filter set. */
  JsonObject describe() {
    return new JsonObject().put("host", host).put("port", boundPort).put("token", token);
  }

  /**
   * A peer said where its link listens ({@code link} may be null: an older node, forwarded to over the event
   * bus). Opens a link unless one to that address is open or opening.
   */
  void peerAnnounced(String node, JsonObject link) {
    if (link == null || node.equals(nodeId)) {
      return;
    }
    String linkHost = link.getString("host");
    Integer linkPort = link.getInteger("port");
    String linkToken = link.getString("token");
    if (linkHost == null || linkPort == null || linkToken == null) {
      return;
    }
    String address = linkHost + ":" + linkPort + "/" + linkToken;
    Outbound current = outbound.get(node);
    if (current != null && current.address.equals(address)) {
      return; // open, opening, or failed: a failed link stays on the event bus (no reordering back
      // and forth)
    }
    if (current != null) {
      current.close();
    }
    Outbound opening = new Outbound(node, address);
    outbound.put(node, opening);
    client.connect(linkPort, linkHost).onComplete(ar -> {
      if (outbound.get(node) != opening) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      if (ar.failed()) {
        LOG.warn(
            "no router link to node [{}] ({}): forwarding over the event bus",
            node,
            ar.cause().getMessage());
        opening.fail();
        return;
      }
      opening.connected(ar.result(), linkToken);
    });
  }

  /**
   * Sends one turn's forwards to {@code node}: over its link when there is one (or one being opened), else over
   * the event bus.
   */
  void send(String node, List<ForwardBatch.Forwarded> messages) {
    if (overEventBus(node)) {
      overEventBus.accept(node, messages);
    } else {
      outbound.get(node).send(messages);
    }
  }

  void peerLeft(String node) {
    Outbound link = outbound.remove(node);
    if (link != null) {
      link.close();
    }
  }

  /** Whether forwards to {@code node} take the event bus now (no link, or one that failed). */
  boolean overEventBus(String node) {
    Outbound link = outbound.get(node);
    return link == null || link.failed;
  }

  /** Links up now (for the metric). */
  int connectedCount() {
    int n = 0;
    for (Outbound link : outbound.values()) {
      if (link.socket != null && !link.failed) {
        n++;
      }
    }
    return n;
  }

  // ---- this node's forwards to one peer
  // ----------------------------------------------------------------------

  private final class Outbound {
    final String node;
    final String address;
    NetSocket socket;
    boolean failed;
    List<ForwardBatch.Forwarded> waiting = new ArrayList<>();
    long waitingBytes;

    Outbound(String node, String address) {
      this.node = node;
      this.address = address;
    }

    void send(List<ForwardBatch.Forwarded> messages) {
      if (socket != null) {
        socket.write(encode(messages));
        return;
      }
      waiting.addAll(messages);
      for (ForwardBatch.Forwarded m : messages) {
        waitingBytes += m.topic().length() + estimate(m.payload());
      }
      if (waitingBytes > MAX_WAITING_BYTES) {
        LOG.warn(
            "the router link to node [{}] is slow to open: forwarding over the event bus", node);
        fail();
      }
    }

    void connected(NetSocket opened, String peerToken) {
      socket = opened;
      Buffer hello = appendRecord(
          Buffer.buffer(),
          new JsonObject().put("node", nodeId).put("token", peerToken).toBuffer());
      socket.write(waiting.isEmpty() ? hello : hello.appendBuffer(encode(waiting)));
      waiting = null;
      socket.handler(data -> {}); // a link is one-way: the peer sends nothing back
      socket.closeHandler(v -> {
        if (outbound.get(node) == this && !failed) {
          LOG.warn("the router link to node [{}] closed: forwarding over the event bus", node);
          failed = true;
        }
      });
      LOG.info("router link to node [{}] open", node);
    }

    /** From now on over the event bus, starting with what waited for the link (so nothing overtakes it). */
    void fail() {
      failed = true;
      if (waiting != null && !waiting.isEmpty()) {
        overEventBus.accept(node, waiting);
      }
      waiting = null;
      if (socket != null) {
        socket.close();
      }
    }

    void close() {
      failed = true;
      waiting = null;
      if (socket != null) {
        socket.close();
      }
    }
  }

  private static long estimate(Object payload) {
    return payload instanceof String s
        ? s.length()
        : payload == null ? 4 : payload.toString().length();
  }

  private static Buffer encode(List<ForwardBatch.Forwarded> messages) {
    Buffer out = Buffer.buffer();
    for (ForwardBatch.Forwarded m : messages) {
      appendRecord(out, m.encode());
    }
    return out;
  }

  /** A record on a link: its length (4 bytes, big-endian), then its JSON. */
  private static Buffer appendRecord(Buffer out, Buffer json) {
    return out.appendInt(json.length()).appendBuffer(json);
  }

  // ---- a peer's forwards to this node
  // ------------------------------------------------------------------------

  private void accepted(NetSocket socket) {
    if (unidentified >= MAX_UNIDENTIFIED) {
      socket.close();
      return;
    }
    unidentified++;
    new Inbound(socket);
  }

  /** Reads records as they come: the first must carry this node's token, each after it is a forwarded publish. */
  private final class Inbound {
    final NetSocket socket;
    final long helloTimer;
    Buffer pending = Buffer.buffer();
    String peer;
    boolean closed;

    Inbound(NetSocket socket) {
      this.socket = socket;
      helloTimer = vertx.setTimer(HELLO_TIMEOUT_MS, t -> refuse("no hello in time"));
      socket.handler(this::read);
      socket.closeHandler(v -> {
        if (peer == null && !closed) {
          unidentified--;
          vertx.cancelTimer(helloTimer);
        }
        closed = true;
      });
    }

    void read(Buffer data) {
      pending = pending.length() == 0 ? data : pending.appendBuffer(data);
      int at = 0;
      while (!closed && pending.length() - at >= 4) {
        int length = pending.getInt(at);
        int bound = peer == null ? MAX_HELLO_BYTES : MAX_RECORD_BYTES;
        if (length < 0 || length > bound) {
          refuse("a record of " + length + " bytes");
          return;
        }
        if (pending.length() - at - 4 < length) {
          break;
        }
        Buffer json = pending.getBuffer(at + 4, at + 4 + length);
        at += 4 + length;
        if (!handle(json)) {
          return;
        }
      }
      pending = at == pending.length() ? Buffer.buffer() : pending.getBuffer(at, pending.length());
    }

    boolean handle(Buffer json) {
      if (peer == null) {
        return hello(json);
      }
      ForwardBatch.Forwarded forwarded;
      try {
        forwarded = ForwardBatch.Forwarded.decode(json);
      } catch (RuntimeException e) {
        refuse("an unreadable record");
        return false;
      }
      if (Vertx.currentContext() == context) {
        deliver(forwarded);
      } else {
        context.runOnContext(v -> deliver(forwarded));
      }
      return true;
    }

    /** A publish the router cannot take is its own failure: logged, and the link goes on with the next. */
    void deliver(ForwardBatch.Forwarded forwarded) {
      try {
        received.accept(forwarded);
      } catch (RuntimeException e) {
        LOG.warn("a publish forwarded by node [{}] failed [{}]", peer, e.toString());
      }
    }

    boolean hello(Buffer json) {
      JsonObject hello;
      try {
        hello = new JsonObject(json);
      } catch (RuntimeException e) {
        refuse("an unreadable hello");
        return false;
      }
      String node = hello.getValue("node") instanceof String s ? s : null;
      String offered = hello.getValue("token") instanceof String s ? s : "";
      if (node == null
          || !MessageDigest.isEqual(
              offered.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        refuse("a hello without this node's token");
        return false;
      }
      peer = node;
      unidentified--;
      vertx.cancelTimer(helloTimer);
      LOG.info("router link from node [{}] open", node);
      return true;
    }

    void refuse(String why) {
      if (closed) {
        return;
      }
      LOG.warn(
          "closed a router link connection from {}: {}",
          socket.remoteAddress(),
          peer == null ? why : why + " (node " + peer + ")");
      if (peer == null) {
        unidentified--;
        vertx.cancelTimer(helloTimer);
      }
      closed = true;
      socket.close();
    }
  }
}
