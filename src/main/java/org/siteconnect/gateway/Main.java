package org.siteconnect.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.siteconnect.gateway.config.ConfigException;
import org.siteconnect.gateway.config.ConfigLoader;
import org.siteconnect.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar siteconnect-gateway.jar [-conf FILE] [-cluster]}: loads the configuration, deploys every verticle and
 * returns once all are up. SIGTERM closes the node cleanly.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private static final String USAGE =
      "usage: java -jar siteconnect-gateway.jar [-conf FILE] [-cluster]";

  private Main() {}

  public static void main(String[] args) {
    String confFile = null;
    Map<String, String> env = new HashMap<>(System.getenv());
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-conf", "--conf" -> {
          if (i + 1 >= args.length) {
            fail("-conf needs a file name");
          }
          confFile = args[++i];
        }
        case "-cluster", "--cluster" -> env.put("SC_CLUSTER", "true");
        case "-h", "--help" -> {
          System.out.println(USAGE);
          return;
        }
        default -> fail("unknown argument '" + args[i] + "' (" + USAGE + ")");
      }
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(confFile, env);
    } catch (ConfigException e) {
      fail(e.getMessage());
      return;
    }

    Gateway gateway;
    try {
      gateway = Gateway.start(config, env).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      fail("start-up failed: " + why);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> {
              try {
                long budget = config.ops().drainSeconds();
                gateway.drain().eventually(gateway::close).await(budget, TimeUnit.SECONDS);
                LOG.info("gateway stopped");
              } catch (Exception e) {
                LOG.warn("shutdown did not finish cleanly [{}]", e.toString());
              }
            },
            "siteconnect-shutdown"));
    LOG.info(
        "SiteConnect gateway up on {}:{} (public origin {}), node [{}]",
        config.http().host(),
        gateway.httpPort(),
        config.http().publicOrigin(),
        gateway.nodeId());
  }

  private static void fail(String message) {
    System.err.println("siteconnect: " + message);
    System.exit(2);
  }
}
