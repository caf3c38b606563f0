package org.siteconnect.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Slow and idle HTTP/1.x connections (issue 15.6). A request's headers must be complete within
 * {@code http.headerTimeoutSeconds} of its first byte (or of the connection's opening), so a client sending
 * headers byte by byte (slowloris) is cut off; a keep-alive connection with no request open is closed after
 * {@code http.idleTimeoutSeconds}. While a request is being answered nothing is timed here (SockJS streaming
 * answers for minutes, governed by the SockJS session timeout), and a connection upgraded to a WebSocket leaves
 * these timers for good: it is governed by the bridge's ping timeout, so hidden tabs pinging once a minute stay.
 *
 * <p>Vert.x's own idle timeout cannot do this: it counts any byte as activity (a trickle keeps it open) and
 * would also close WebSockets between pings. Two small Netty handlers share one state: one in front of the HTTP
 * decoder sees the first byte of a request, one behind it sees the decoded request and the response's end.
 * Everything runs on the connection's event loop.
 */
final class HttpTimeouts {
  private enum State {
    HEADERS,
    ANSWERING,
    IDLE,
    WEBSOCKET
  }

  private final long headerMillis;
  private final long idleMillis;
  private ChannelHandlerContext ctx;
  private State state = State.HEADERS;
  private int open;
  private ScheduledFuture<?> timer;

  private HttpTimeouts(long headerMillis, long idleMillis) {
    this.headerMillis = headerMillis;
    this.idleMillis = idleMillis;
  }

  /** From {@code HttpServer.connectionHandler}: HTTP/1.x connections get the timers (others keep Vert.x's). */
  static void install(HttpConnection connection, int headerSeconds, int idleSeconds) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get("httpDecoder") == null || pipeline.get("httpEncoder") == null) {
      return; // HTTP/2: not ours to time
    }
    installOn(pipeline, headerSeconds, idleSeconds);
  }

  /** The two handlers, around the pipeline's {@code httpDecoder} and {@code httpEncoder}. */
  static void installOn(ChannelPipeline pipeline, int headerSeconds, int idleSeconds) {
    HttpTimeouts timeouts = new HttpTimeouts(headerSeconds * 1000L, idleSeconds * 1000L);
    pipeline.addBefore("httpDecoder", FIRST_BYTE, timeouts.new FirstByte());
    pipeline.addAfter("httpEncoder", REQUEST_PHASE, timeouts.new RequestPhase());
  }

  static final String FIRST_BYTE = "sc-first-byte";
  static final String REQUEST_PHASE = "sc-request-phase";

  private void arm(long millis) {
    cancel();
    timer = ctx.executor()
        .schedule(
            () -> {
              timer = null;
              ctx.close();
            },
            millis,
            TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Before the decoder: the first byte after an idle spell starts the header clock. */
  private final class FirstByte extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
        state = State.HEADERS;
        arm(headerMillis);
      }
      c.fireChannelRead(msg);
    }
  }

  /** After the codec: requests whose headers are complete, and the end of each response. */
  private final class RequestPhase extends ChannelDuplexHandler {
    @Override
    public void handlerAdded(ChannelHandlerContext c) {
      ctx = c;
      arm(headerMillis);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext c) {
      cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      cancel();
      c.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (msg instanceof HttpRequest && state != State.WEBSOCKET) {
        open++;
        state = State.ANSWERING;
        cancel();
      }
      c.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) {
      if (state != State.WEBSOCKET) {
        if (msg instanceof HttpResponse r
            && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
          if (r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            state = State.WEBSOCKET;
            cancel();
            // A WebSocket leaves these timers for good: out of its pipeline (no hop per frame, and
            // about 200 bytes less per idle page, issue 22).
            c.write(msg, promise);
            ChannelPipeline pipeline = c.pipeline();
            if (pipeline.get(FIRST_BYTE) != null) {
              pipeline.remove(FIRST_BYTE);
            }
            pipeline.remove(this);
            return;
          } // else an interim answer (100 Continue): the request goes on
        } else if (msg instanceof LastHttpContent
            && open > 0
            && --open == 0
            && state == State.ANSWERING) {
          state = State.IDLE;
          arm(idleMillis);
        }
      }
      c.write(msg, promise);
    }
  }
}
