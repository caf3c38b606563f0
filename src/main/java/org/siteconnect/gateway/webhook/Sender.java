package org.siteconnect.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.AddressRange;

/**
 * One delivery attempt: resolve the hook's host, refuse internal addresses ({@link TargetGuard}), connect to the
 * address just checked (the Host header and TLS name stay the URL's), POST the signed body, and take any 2xx as
 * delivered. No redirects are followed (a 3xx is a failure). The response body is read and dropped, at most
 * {@link #MAX_RESPONSE_BYTES}; a connect or response timeout is a failure.
 */
final class Sender {
  static final int MAX_RESPONSE_BYTES = 64 * 1024;

  /** The attempt's result: {@code status} when the receiver answered, {@code error} a sentence when it failed. */
  record Outcome(boolean delivered, Integer status, String error) {}

  private final Vertx vertx;
  private final GatewayConfig.Webhooks config;
  private final TargetGuard guard;
  // Kept in a field: an unreferenced client is closed by the GC (DESIGN §10).
  private final HttpClient client;

  Sender(Vertx vertx, GatewayConfig.Webhooks config, TargetGuard guard) {
    this.vertx = vertx;
    this.config = config;
    this.guard = guard;
    this.client = vertx.createHttpClient(
        new HttpClientOptions()
            .setConnectTimeout(config.connectTimeoutMs())
            .setKeepAlive(true)
            .setMaxHeaderSize(16 * 1024),
        new PoolOptions().setHttp1MaxSize(config.concurrency()));
  }

  /** Every address of {@code host} (an IP literal is not looked up); fails when the name does not resolve. */
  Future<List<InetAddress>> resolve(String host) {
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress literal = AddressRange.literal(bare);
    if (literal != null) {
      return Future.succeededFuture(List.of(literal));
    }
    return vertx.executeBlocking(() -> Arrays.asList(InetAddress.getAllByName(bare)), false);
  }

  /** Null when the URL's host resolves only to addresses a webhook may reach, else why not. */
  Future<String> refusal(URI url) {
    return resolve(url.getHost())
        .map(guard::refusal)
        .otherwise(err -> "the target host '" + url.getHost() + "' does not resolve");
  }

  Future<Outcome> send(Hook hook, Delivery delivery) {
    URI url = URI.create(hook.url());
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
    return resolve(url.getHost())
        .compose(
            addresses -> {
              String why = guard.refusal(addresses);
              if (why != null) {
                return Future.succeededFuture(new Outcome(false, null, why));
              }
              return post(hook, delivery, url, https, port, addresses.get(0));
            },
            err -> Future.succeededFuture(new Outcome(
                false, null, "the target host '" + url.getHost() + "' does not resolve")));
  }

  private Future<Outcome> post(
      Hook hook, Delivery delivery, URI url, boolean https, int port, InetAddress address) {
    String body = delivery.body();
    long timestamp = System.currentTimeMillis() / 1000;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
        .setHost(url.getHost())
        .setPort(port)
        .setSsl(https)
        .setFollowRedirects(false)
        .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
        .setConnectTimeout(config.connectTimeoutMs())
        .setIdleTimeout(config.responseTimeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "SiteConnect-Webhooks/1")
        .putHeader("X-SiteConnect-Id", delivery.id())
        .putHeader("X-SiteConnect-Timestamp", Long.toString(timestamp))
        .putHeader("X-SiteConnect-Signature", Signature.header(hook.secret(), timestamp, body));
    return client
        .request(options)
        .compose(request -> {
          // The whole answer (status line and headers) must come within the response timeout.
          long timer = vertx.setTimer(
              config.responseTimeoutMs(),
              id -> request.reset(
                  0,
                  new TimeoutException("no answer within " + config.responseTimeoutMs() + " ms")));
          return request.send(body).onComplete(ar -> vertx.cancelTimer(timer)).map(r -> {
            drain(request, r);
            int status = r.statusCode();
            boolean ok = status >= 200 && status < 300;
            return new Outcome(ok, status, ok ? null : "the receiver answered HTTP " + status);
          });
        })
        .otherwise(err -> new Outcome(false, null, describe(err)));
  }

  /** Reads and drops the body, closing the connection if it goes on past the bound. */
  private static void drain(HttpClientRequest request, HttpClientResponse response) {
    long[] seen = {0};
    response.exceptionHandler(err -> {});
    response.handler(chunk -> {
      seen[0] += chunk.length();
      if (seen[0] > MAX_RESPONSE_BYTES) {
        request.reset();
      }
    });
  }

  private static String describe(Throwable err) {
    String message = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    if (err instanceof io.vertx.core.http.StreamResetException && err.getCause() != null) {
      message = err.getCause().getMessage();
    }
    String text = "delivery failed: " + message;
    return text.length() > 500 ? text.substring(0, 500) : text;
  }
}
