package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The direct path's write at once on a real epoll socket: a reader that lags fills the socket, the rest of a frame
 * and the frames after it go through the channel, and the reader still gets every frame's bytes in order.
 */
class DirectFramesSocketTest {
  private static final int SOCKET_BUFFER = 16_384;

  private EventLoopGroup group;
  private Channel server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().sync();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  @DisplayName(
      "generated broadcasts to a lagging reader over epoll: written at once while the socket takes them, through"
          + " the channel once it is full; the reader gets Netty's bytes of every frame, in order")
  void laggingReaderGetsEveryFrameInOrder() throws Exception {
    assumeTrue(Epoll.isAvailable(), "Linux's native transport");
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    server = new ServerBootstrap()
        .group(group)
        .channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new WebSocket08FrameEncoder(false));
            accepted.complete(ch);
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .sync()
        .channel();
    try (Socket reader = new Socket()) {
      reader.setReceiveBufferSize(SOCKET_BUFFER);
      reader.connect(server.localAddress(), 5_000);
      reader.setSoTimeout(20_000);
      Channel channel = accepted.get(5, TimeUnit.SECONDS);
      DirectFrames frames = DirectFrames.of(channel, 65_536);
      Random random = new Random(22);
      InputStream in = reader.getInputStream();
      for (int round = 0; round < 6; round++) {
        // a round of broadcasts while the reader does not read, then it reads all of them
        List<byte[]> payloads = new ArrayList<>();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
          byte[] payload =
              new byte[random.nextInt(4) == 0 ? random.nextInt(126) : random.nextInt(20_000)];
          random.nextBytes(payload);
          payloads.add(payload);
          expected.write(DirectFramesTest.nettyEncoding(payload));
        }
        channel
            .eventLoop()
            .submit(() -> {
              DirectFrames.Encoded encoded = new DirectFrames.Encoded();
              for (byte[] payload : payloads) {
                frames.write(Buffer.buffer(payload), encoded);
              }
              encoded.clear();
            })
            .sync();
        assertArrayEquals(expected.toByteArray(), in.readNBytes(expected.size()), "round " + round);
      }
      assertTrue(frames.writtenAtOnce() > 0, "frames written at once: " + frames.writtenAtOnce());
      assertTrue(
          frames.throughChannel() > 0, "frames through the channel: " + frames.throughChannel());
    }
  }
}
