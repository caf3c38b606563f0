package org.siteconnect.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The browser files as src/build/bundle.mjs built them into the jar (docs/ASSETS.md): every file listed in its
 * {@code assets.json}, with the {@code .br} and {@code .gz} beside it, held in memory. Immutable after loading.
 */
public final class Assets {
  /** The jar directory bundle.mjs writes. */
  public static final String ROOT = "siteconnect/webroot";

  /** How a file may be cached: hashed names forever, the page script briefly, HTML and aliases revalidated. */
  public enum Cache {
    IMMUTABLE,
    SCRIPT,
    PAGE
  }

  /** One encoding of a file: its bytes and its strong ETag (a hash of these bytes). */
  public record Variant(String encoding, Buffer body, String etag) {}

  /** A file: its type, how it is cached, its variants by content coding ({@code br}, {@code gzip}, {@code identity}). */
  public record Asset(String path, String contentType, Cache cache, Map<String, Variant> variants) {
    Asset asAlias() {
      return new Asset(path, contentType, Cache.PAGE, variants);
    }
  }

  private static volatile Assets shared;

  private final Map<String, Asset> files;

  Assets(Map<String, Asset> files) {
    this.files = Map.copyOf(files);
  }

  /** The assets of the jar, loaded once per process. */
  public static Assets shared() {
    Assets a = shared;
    if (a == null) {
      synchronized (Assets.class) {
        if (shared == null) {
          shared = load(Assets.class.getClassLoader(), ROOT);
        }
        a = shared;
      }
    }
    return a;
  }

  /** Reads {@code root/assets.json} and every file it lists; none (a build without bundle.mjs): no assets. */
  static Assets load(ClassLoader loader, String root) {
    byte[] index = read(loader, root + "/assets.json");
    if (index == null) {
      LoggerFactory.getLogger(Assets.class)
          .warn(
              "no {}/assets.json on the classpath: the browser files were not built (src/build/bundle.mjs)",
              root);
      return new Assets(Map.of());
    }
    JsonObject manifest = new JsonObject(Buffer.buffer(index));
    Map<String, Asset> files = new HashMap<>();
    JsonObject listed = manifest.getJsonObject("files", new JsonObject());
    for (String path : listed.fieldNames()) {
      JsonObject entry = listed.getJsonObject(path);
      Map<String, Variant> variants = new LinkedHashMap<>();
      JsonArray encodings = entry.getJsonArray("encodings", new JsonArray());
      for (int i = 0; i < encodings.size(); i++) {
        String encoding = encodings.getString(i);
        variants.put(
            encoding, variant(encoding, required(loader, root + "/" + path + suffix(encoding))));
      }
      byte[] identity = required(loader, root + "/" + path);
      variants.put("identity", variant("identity", identity));
      Cache cache =
          Cache.valueOf(entry.getString("cache", "page").toUpperCase(java.util.Locale.ROOT));
      files.put(path, new Asset(path, contentType(path, identity), cache, Map.copyOf(variants)));
    }
    JsonObject aliases = manifest.getJsonObject("aliases", new JsonObject());
    for (String logical : aliases.fieldNames()) {
      Asset target = files.get(aliases.getString(logical));
      if (target != null && !files.containsKey(logical)) {
        files.put(logical, target.asAlias());
      }
    }
    return new Assets(files);
  }

  /** The file at a path relative to the root ({@code frame/index.html}), if the build made it. */
  public Optional<Asset> find(String path) {
    return Optional.ofNullable(files.get(path));
  }

  /** The top-level directories of the files ({@code agent}, {@code frame}, …), sorted. */
  public java.util.SortedSet<String> directories() {
    java.util.SortedSet<String> dirs = new java.util.TreeSet<>();
    files.keySet().stream()
        .filter(p -> p.indexOf('/') > 0)
        .forEach(p -> dirs.add(p.substring(0, p.indexOf('/'))));
    return dirs;
  }

  static String suffix(String encoding) {
    return switch (encoding) {
      case "br" -> ".br";
      case "gzip" -> ".gz";
      default -> throw new IllegalArgumentException("unknown encoding " + encoding);
    };
  }

  /**
   * The type of a file. Scripts and style sheets that are pure ASCII (the page script is built so) go without a
   * charset: any ASCII-compatible page decodes them alike, and the 15 bytes count against the page script's
   * first-visit budget on the wire (docs/ASSETS.md).
   */
  static String contentType(String path, byte[] identity) {
    String ext = path.substring(path.lastIndexOf('.') + 1);
    String charset = ascii(identity) ? "" : "; charset=utf-8";
    return switch (ext) {
      case "js", "mjs" -> "text/javascript" + charset;
      case "css" -> "text/css" + charset;
      case "html" -> "text/html; charset=utf-8";
      case "json", "map" -> "application/json";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "woff2" -> "font/woff2";
      default -> "application/octet-stream";
    };
  }

  private static boolean ascii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static Variant variant(String encoding, byte[] bytes) {
    return new Variant(encoding, Buffer.buffer(bytes), etag(bytes));
  }

  /** A strong validator: 16 base64url characters (96 bits) of the SHA-256 of the bytes sent. */
  static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return '"'
          + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16)
          + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] required(ClassLoader loader, String name) {
    byte[] bytes = read(loader, name);
    if (bytes == null) {
      throw new IllegalStateException(name + " is listed in assets.json but missing from the jar");
    }
    return bytes;
  }

  private static byte[] read(ClassLoader loader, String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(name, e);
    }
  }
}
