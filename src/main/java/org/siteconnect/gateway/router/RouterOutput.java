package org.siteconnect.gateway.router;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.siteconnect.gateway.bridge.PageConnection;
import org.siteconnect.gateway.bus.TopicMessage;

/** Where the router's deliveries go: page sockets on this node, or event-bus addresses. */
public interface RouterOutput {
  void toPages(List<PageConnection> targets, Buffer frame);

  void toPage(PageConnection target, Buffer frame);

  void toAddress(String address, TopicMessage message);
}
