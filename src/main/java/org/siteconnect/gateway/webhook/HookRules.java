package org.siteconnect.gateway.webhook;

import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.topic.InvalidTopicException;
import org.siteconnect.gateway.topic.TopicFilter;
import org.siteconnect.gateway.topic.TopicLimits;

/**
 * What a webhook registration may hold (docs/WEBHOOKS.md): an http(s) URL of bounded length, 1 to
 * {@code maxFiltersPerHook} MQTT filters (DESIGN §3.1) all under {@code $sites/<one site>/}, a site the admin
 * manages, and a secret of 16 to {@code maxSecretLength} characters. Refusals are 400s naming the field or filter.
 */
public final class HookRules {
  static final int MIN_SECRET_LENGTH = 16;

  private final GatewayConfig.Webhooks limits;
  private final TopicLimits topicLimits;

  public HookRules(GatewayConfig.Webhooks limits, TopicLimits topicLimits) {
    this.limits = limits;
    this.topicLimits = topicLimits;
  }

  /** The URL as given, once it is an absolute http(s) URL with a host and no user info. */
  public URI url(String url) {
    if (url.length() > limits.maxUrlLength()) {
      throw ServiceError.badRequest(
          "field 'url' is longer than " + limits.maxUrlLength() + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ServiceError.badRequest("field 'url' is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ServiceError.of(
          400, "target-refused", "field 'url' must be an http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ServiceError.badRequest("field 'url' must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw ServiceError.badRequest("field 'url' must not carry a user name or password");
    }
    return uri;
  }

  /**
   * The filters, parsed; all must be under {@code $sites/<site>/} with the same literal site, one of
   * {@code sites} (those the admin manages).
   */
  public Parsed filters(JsonArray filters, Collection<String> sites) {
    if (filters.isEmpty()) {
      throw ServiceError.badRequest("field 'filters' must hold at least one topic filter");
    }
    if (filters.size() > limits.maxFiltersPerHook()) {
      throw ServiceError.badRequest(
          "field 'filters' may hold at most " + limits.maxFiltersPerHook() + " topic filters");
    }
    List<TopicFilter> parsed = new ArrayList<>();
    String site = null;
    for (Object o : filters) {
      String text = (String) o;
      TopicFilter f;
      try {
        f = TopicFilter.parse(text, topicLimits);
      } catch (InvalidTopicException e) {
        throw ServiceError.of(
            400, "invalid-filter", "filter '" + text + "' is not valid: " + e.getMessage());
      }
      if (f.depth() < 3
          || !"$sites".equals(f.level(0))
          || "+".equals(f.level(1))
          || "#".equals(f.level(1))) {
        throw ServiceError.of(
            400,
            "invalid-filter",
            "filter '" + text + "' must start with $sites/<site>/ (one site, no wildcard there)");
      }
      if (!sites.contains(f.level(1))) {
        throw ServiceError.of(
            403, "not-allowed", "filter '" + text + "' names a site you do not manage");
      }
      if (site != null && !site.equals(f.level(1))) {
        throw ServiceError.of(
            400,
            "invalid-filter",
            "filter '" + text + "' names another site than '" + site + "': one site per webhook");
      }
      site = f.level(1);
      if (parsed.contains(f)) {
        throw ServiceError.of(400, "invalid-filter", "filter '" + text + "' is listed twice");
      }
      parsed.add(f);
    }
    return new Parsed(site, List.copyOf(parsed));
  }

  public record Parsed(String site, List<TopicFilter> filters) {}

  public String secret(String secret) {
    if (secret.length() < MIN_SECRET_LENGTH || secret.length() > limits.maxSecretLength()) {
      throw ServiceError.badRequest("field 'secret' must be " + MIN_SECRET_LENGTH + " to "
          + limits.maxSecretLength() + " characters long");
    }
    return secret;
  }
}
