package org.siteconnect.gateway.attachment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FileNamesTest {
  private static final List<String> TYPES = List.of(
      FileTypes.PNG,
      FileTypes.JPEG,
      FileTypes.GIF,
      FileTypes.WEBP,
      FileTypes.PDF,
      FileTypes.SNAPSHOT);
  /** Characters a hostile name mixes in: direction overrides and isolates, zero-width, controls, separators. */
  private static final String HOSTILE =
      "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u200B\u200D\uFEFF"
          + "\u0000\u0007\n\r\t\u007F\u0085\u2028\u2029/\\\"<>.";

  @Test
  @DisplayName(
      "names keep an extension of their sniffed type or get one; what the sender wrote stays readable")
  void extensions() {
    assertEquals("report.html.png", AttachmentVerticle.cleanName("report.html", FileTypes.PNG));
    assertEquals(
        "invoicegnp.html.png",
        AttachmentVerticle.cleanName("invoice\u202Egnp.html", FileTypes.PNG));
    assertEquals("Photo.JPG", AttachmentVerticle.cleanName("Photo.JPG", FileTypes.JPEG));
    assertEquals("scan.jpeg", AttachmentVerticle.cleanName("scan.jpeg", FileTypes.JPEG));
    assertEquals("quote.pdf", AttachmentVerticle.cleanName("quote.pdf", FileTypes.PDF));
    assertEquals("file.gif", AttachmentVerticle.cleanName(null, FileTypes.GIF));
    assertEquals("page.json", AttachmentVerticle.cleanName("\u202E", FileTypes.SNAPSHOT));
    assertEquals("a_b_c.pdf", AttachmentVerticle.cleanName("a/b\\c", FileTypes.PDF));
  }

  @Test
  @DisplayName(
      "2,000 generated hostile names: no control, format or path character, at most 200 characters "
          + "before the extension, and always an extension of the type")
  void generatedNames() {
    Random random = new Random(22);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder name = new StringBuilder();
      int length = random.nextInt(i % 10 == 0 ? 400 : 30);
      for (int c = 0; c < length; c++) {
        name.append(
            random.nextInt(3) == 0
                ? HOSTILE.charAt(random.nextInt(HOSTILE.length()))
                : (char) ('a' + random.nextInt(26)));
      }
      String type = TYPES.get(random.nextInt(TYPES.size()));
      String clean = AttachmentVerticle.cleanName(name.toString(), type);
      String lower = clean.toLowerCase(java.util.Locale.ROOT);
      assertTrue(
          FileTypes.extensions(type).stream().anyMatch(lower::endsWith),
          name + " as " + type + " -> " + clean);
      assertTrue(clean.length() <= 200 + 5, clean);
      assertTrue(
          clean.codePoints().noneMatch(FileNamesTest::forbidden),
          "what was sent: " + escape(name.toString()) + " -> " + escape(clean));
    }
  }

  private static boolean forbidden(int c) {
    int kind = Character.getType(c);
    return kind == Character.CONTROL
        || kind == Character.FORMAT
        || kind == Character.LINE_SEPARATOR
        || kind == Character.PARAGRAPH_SEPARATOR
        || "/\\\"<>".indexOf(c) >= 0;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(c -> b.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : (char) c));
    return b.toString();
  }
}
