package org.siteconnect.gateway.transcript;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.List;
import org.siteconnect.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends e-mail through the configured SMTP server (vertx-mail-client). A failed send is retried {@code mail.retries}
 * times with a doubling delay, then logged and given up; callers never wait on it in a chat's path. With no
 * {@code mail.host} or {@code mail.from} nothing is sent. Header values pass {@link MailHeaders} first.
 */
public final class Mailer {
  private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);
  private final Vertx vertx;
  private final GatewayConfig.Mail config;
  private final MailClient client;

  public Mailer(Vertx vertx, GatewayConfig.Mail config) {
    this.vertx = vertx;
    this.config = config;
    this.client = config.enabled() ? MailClient.create(vertx, clientConfig(config)) : null;
  }

  static MailConfig clientConfig(GatewayConfig.Mail c) {
    MailConfig m = new MailConfig()
        .setHostname(c.host())
        .setPort(c.port())
        .setKeepAlive(false)
        .setStarttls(
            "starttls".equals(c.tls()) ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
        .setSsl("tls".equals(c.tls()));
    if (c.username() != null) {
      m.setUsername(c.username()).setPassword(c.password()).setLogin(LoginOption.REQUIRED);
    } else {
      m.setLogin(LoginOption.DISABLED);
    }
    return m;
  }

  public boolean enabled() {
    return client != null;
  }

  /**
   * Sends one message; succeeds once the server took it, fails after the last retry. Addresses that are not plain
   * e-mail addresses are refused before anything is sent.
   */
  public Future<Void> send(List<String> to, String subject, String text, String html) {
    if (client == null) {
      return Future.failedFuture(new IllegalStateException("mail is not configured"));
    }
    List<String> clean = to.stream().map(MailHeaders::address).toList();
    if (clean.isEmpty() || clean.contains(null)) {
      return Future.failedFuture(new IllegalArgumentException("not an e-mail address"));
    }
    MailMessage message = new MailMessage()
        .setFrom(config.from())
        .setTo(clean)
        .setSubject(MailHeaders.text(subject))
        .setText(text);
    if (html != null) {
      message.setHtml(html);
    }
    Promise<Void> done = Promise.promise();
    attempt(message, 0, config.retryDelayMs(), done);
    return done.future();
  }

  private void attempt(MailMessage message, int attempt, long delay, Promise<Void> done) {
    client.sendMail(message).onSuccess(r -> done.complete()).onFailure(err -> {
      if (attempt >= config.retries()) {
        LOG.warn(
            "e-mail to {} recipient(s) given up after {} attempt(s): {}",
            message.getTo().size(),
            attempt + 1,
            err.toString());
        done.fail(err);
        return;
      }
      LOG.info(
          "e-mail attempt {} failed, retrying in {} ms: {}", attempt + 1, delay, err.toString());
      vertx.setTimer(
          delay, t -> attempt(message, attempt + 1, Math.min(delay * 2, 3_600_000L), done));
    });
  }

  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
