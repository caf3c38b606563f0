package org.siteconnect.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Serves the built browser files ({@link Assets}) as shipped (docs/ASSETS.md): the precompressed variant the client
 * accepts best (br, then gzip, then identity; q-values honoured) with {@code Vary: Accept-Encoding}; hashed names
 * cached for a year as immutable, {@code /site_connect.js} for {@code http.scriptMaxAgeSeconds} with a strong ETag,
 * HTML pages (and the unhashed names of hashed files) revalidated with their ETag; {@code 304} on a matching
 * {@code If-None-Match}; GET and HEAD. The security headers are added by {@link SecurityHeaders} as for every answer.
 */
public final class AssetHandler implements Handler<RoutingContext> {
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "no-cache";
  private static final double IMPLICIT_IDENTITY = 0.0001;
  private static final List<String> PREFERENCE = List.of("br", "gzip", "identity");

  private final Assets assets;
  private final String scriptCache;

  public AssetHandler(Assets assets, int scriptMaxAgeSeconds) {
    this.assets = assets;
    this.scriptCache =
        "max-age=" + scriptMaxAgeSeconds; // shared caches may keep it too (no Authorization)
  }

  /**
   * Routes GET and HEAD of the page script and of every directory the build wrote (frame, agent, demo, cobrowse,
   * vendor, the sockjs-client webjar path) here.
   */
  public void mount(Router router) {
    List<String> paths = new java.util.ArrayList<>(List.of("/site_connect.js", "/siteconnect.js"));
    assets.directories().forEach(dir -> paths.add("/" + dir + "/*"));
    for (String path : paths) {
      router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String raw = ctx.request().path();
    if (raw == null || traversal(raw)) {
      HttpVerticle.sendError(ctx, 404, "not-found", "no such file");
      return;
    }
    String path = raw.equals("/siteconnect.js") ? "site_connect.js" : raw.substring(1);
    if (path.isEmpty() || path.endsWith("/")) {
      path += "index.html";
    }
    Optional<Assets.Asset> asset = assets.find(path);
    if (asset.isEmpty()) {
      if (raw.startsWith("/webjars/")) {
        ctx.next(); // other webjar files: from the classpath, as before
      } else {
        HttpVerticle.sendError(ctx, 404, "not-found", "no such file");
      }
      return;
    }
    send(ctx, asset.get());
  }

  /** Answers with a file from the jar's assets (the frame's page, after its own checks). */
  public void send(RoutingContext ctx, String path) {
    Optional<Assets.Asset> asset = assets.find(path);
    if (asset.isEmpty()) {
      HttpVerticle.sendError(ctx, 404, "not-found", "no such file");
    } else {
      send(ctx, asset.get());
    }
  }

  private void send(RoutingContext ctx, Assets.Asset asset) {
    Assets.Variant variant = choose(asset, ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING));
    HttpServerResponse response = ctx.response();
    response.putHeader(HttpHeaders.VARY, "Accept-Encoding");
    boolean validated = asset.cache() != Assets.Cache.IMMUTABLE;
    response.putHeader(
        HttpHeaders.CACHE_CONTROL,
        switch (asset.cache()) {
          case IMMUTABLE -> IMMUTABLE;
          case SCRIPT -> scriptCache;
          case PAGE -> REVALIDATE;
        });
    if (validated) {
      response.putHeader(HttpHeaders.ETAG, variant.etag());
      if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), variant.etag())) {
        response.setStatusCode(304).end();
        return;
      }
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
    if (!variant.encoding().equals("identity")) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, variant.encoding());
    }
    response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(variant.body().length()));
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(variant.body());
    }
  }

  /** The variant to send for an {@code Accept-Encoding} header: the highest q, ties broken br > gzip > identity. */
  static Assets.Variant choose(Assets.Asset asset, String acceptEncoding) {
    Assets.Variant best = asset.variants().get("identity");
    double bestQ = -1;
    for (String encoding : PREFERENCE) {
      Assets.Variant v = asset.variants().get(encoding);
      double q = quality(acceptEncoding, encoding);
      if (v != null && q > 0 && q > bestQ) {
        best = v;
        bestQ = q;
      }
    }
    return best; // nothing acceptable at all: identity, which every client reads
  }

  /**
   * The q-value a header gives a content coding (RFC 9110 §12.5.3): its own entry, else {@code *}'s, else 0 — and
   * identity, when not named, is acceptable after everything named. {@code x-gzip} counts as gzip; a missing
   * header accepts identity only.
   */
  static double quality(String header, String encoding) {
    if (header == null) {
      return encoding.equals("identity") ? 1 : 0;
    }
    Double own = null;
    Double any = null;
    for (String part : header.split(",")) {
      String[] fields = part.split(";");
      String coding = fields[0].trim().toLowerCase(Locale.ROOT);
      if (coding.equals("x-gzip")) {
        coding = "gzip";
      }
      double q = 1;
      for (int i = 1; i < fields.length; i++) {
        String p = fields[i].trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            q = Math.max(0, Math.min(1, Double.parseDouble(p.substring(2).trim())));
          } catch (NumberFormatException e) {
            q = 0; // unreadable weight: not acceptable
          }
        }
      }
      if (coding.equals(encoding)) {
        own = own == null ? q : Math.max(own, q);
      } else if (coding.equals("*")) {
        any = q;
      }
    }
    if (own != null) {
      return own;
    }
    if (any != null) {
      return any;
    }
    // Identity stays acceptable when not named, but below every coding the client did name.
    return encoding.equals("identity") ? IMPLICIT_IDENTITY : 0;
  }

  /** {@code If-None-Match} against a strong ETag, by the weak comparison RFC 9110 §13.1.2 asks for. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** Dot segments, encoded dots or slashes, backslashes, NUL or empty segments: never a file of ours. */
  static boolean traversal(String raw) {
    String p = raw.toLowerCase(Locale.ROOT);
    return p.contains("/../")
        || p.endsWith("/..")
        || p.contains("/./")
        || p.endsWith("/.")
        || p.contains("%2e")
        || p.contains("%2f")
        || p.contains("%5c")
        || p.contains("\\")
        || p.contains("%00")
        || p.indexOf('\0') >= 0
        || p.contains("//");
  }
}
