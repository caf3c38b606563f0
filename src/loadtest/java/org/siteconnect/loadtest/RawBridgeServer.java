package org.siteconnect.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;

/**
 * The baseline: a plain Vert.x SockJS event-bus bridge with no topic layer, as an application would mount it.
 * Clients {@code register} addresses and {@code publish} to them; the bridge's own permission check and
 * per-socket encoding are all there is. {@code java -cp loadtest.jar org.siteconnect.loadtest.RawBridgeServer PORT}
 */
public final class RawBridgeServer extends VerticleBase {
  /** Consumer that publishes {@code {fence:true}} to the address in the body's {@code to}: a set-up fence. */
  static final String ECHO = "bench.echo";

  private final int port;

  RawBridgeServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new RawBridgeServer(port))
        .onSuccess(id -> System.out.println("raw bridge up on 127.0.0.1:" + port))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(2);
        });
  }

  @Override
  public Future<?> start() {
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        .setPingTimeout(120_000) // as the gateway: pages ping every 20 s
        .setMaxHandlersPerSocket(1000)
        .addInboundPermitted(new PermittedOptions().setAddressRegex("bench\\..+"))
        .addOutboundPermitted(new PermittedOptions().setAddress("bench.fanout")) // exact match first: its best case
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("bench\\..+"))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("public\\..+"));
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setInsertJSESSIONID(false).setRegisterWriteHandler(false);
    Router router = Router.router(vertx);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJs).bridge(bridge));
    vertx.eventBus().<JsonObject>consumer(ECHO, m ->
        vertx.eventBus().publish(m.body().getString("to"), new JsonObject().put("fence", true)));
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
  }
}
