package org.siteconnect.gateway.attachment;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A file's type from its first bytes (magic numbers); the declared type and the name are never asked. Only types
 * a browser shows without running anything: raster images and PDF. SVG, HTML and anything unknown are refused.
 * {@link #SNAPSHOT} is a page snapshot ("show the agent this page"), JSON the agent's sandboxed viewer reads.
 */
public final class FileTypes {
  public static final String PNG = "image/png";
  public static final String JPEG = "image/jpeg";
  public static final String GIF = "image/gif";
  public static final String WEBP = "image/webp";
  public static final String PDF = "application/pdf";
  public static final String SNAPSHOT = "application/vnd.siteconnect.snapshot+json";

  /** What a snapshot's bytes start with (the frame writes it so). */
  static final String SNAPSHOT_PREFIX = "{\"siteconnectSnapshot\":1,";

  private FileTypes() {}

  /** The sniffed type, or null when the bytes are none of the known kinds. */
  public static String sniff(Buffer bytes) {
    if (starts(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (starts(bytes, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (starts(bytes, 0, 'G', 'I', 'F', '8', '7', 'a')
        || starts(bytes, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return GIF;
    }
    if (starts(bytes, 0, 'R', 'I', 'F', 'F') && starts(bytes, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    if (starts(bytes, 0, '%', 'P', 'D', 'F', '-')) {
      return PDF;
    }
    byte[] prefix = SNAPSHOT_PREFIX.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length() >= prefix.length
        && bytes.getString(0, prefix.length, "US-ASCII").equals(SNAPSHOT_PREFIX)) {
      return SNAPSHOT;
    }
    return null;
  }

  /**
   * The file name extensions a file of this type may keep: the first is the one a name without them gets, so a file
   * is saved under a name that opens it as what it is (a PNG named {@code report.html} would open as a page).
   */
  static List<String> extensions(String type) {
    return switch (type) {
      case PNG -> List.of(".png");
      case JPEG -> List.of(".jpg", ".jpeg", ".jfif");
      case GIF -> List.of(".gif");
      case WEBP -> List.of(".webp");
      case PDF -> List.of(".pdf");
      default -> List.of(".json");
    };
  }

  /** Images the consoles preview (shown only from a blob of this type in an img element). */
  public static boolean isImage(String type) {
    return PNG.equals(type) || JPEG.equals(type) || GIF.equals(type) || WEBP.equals(type);
  }

  private static boolean starts(Buffer b, int at, int... magic) {
    if (b.length() < at + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b.getByte(at + i) & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
