package org.siteconnect.gateway.store;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.config.GatewayConfig;

@DisplayName("stores on the embedded database")
class EmbeddedStoresTest extends StoreContract {
  @TempDir
  Path dir;

  @Override
  protected Stores openEmpty() {
    return await(Stores.open(vertx, new GatewayConfig.Data(dir.toString(), null)));
  }

  @Override
  protected Stores openOtherNode(Stores first) {
    return first;
  }
}
