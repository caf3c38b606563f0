package org.siteconnect.gateway.transcript;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Renders transcripts (docs/TRANSCRIPTS.md): a transcript is {@code {chat, messages}} as the chat service answers
 * it. HTML is built from escaped text only — no script, no style from the data, no link — and served with a CSP
 * that allows nothing but the inline style of the page itself.
 */
public final class Transcripts {
  /** The Content-Security-Policy of an HTML transcript: nothing loads, nothing runs. */
  public static final String HTML_CSP =
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; "
          + "frame-ancestors 'none'; base-uri 'none'; sandbox";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Transcripts() {}

  /** Escapes text for HTML element content and quoted attribute values. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String time(Long millis) {
    return millis == null ? "" : TIME.format(Instant.ofEpochMilli(millis));
  }

  /** Who wrote a line, as a reader sees it. */
  static String who(JsonObject m) {
    String name = m.getString("name");
    return switch (String.valueOf(m.getString("from"))) {
      case "visitor" -> name == null || name.isBlank() ? "Visitor" : name;
      case "agent" -> name == null || name.isBlank() ? "Agent" : name;
      default -> "—";
    };
  }

  /** One readable HTML document holding the transcripts, in order. */
  public static String html(String title, List<JsonObject> transcripts) {
    StringBuilder out = new StringBuilder(4096);
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>")
        .append(escape(title))
        .append(
            "</title><style>body{font:15px/1.45 system-ui,sans-serif;max-width:50rem;margin:2rem auto;")
        .append("padding:0 1rem;color:#1d2433}section{border-top:1px solid #ccd;padding:1rem 0}")
        .append("dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;color:#445}")
        .append("dd{margin:0}ol{list-style:none;padding:0}li{margin:.5rem 0}")
        .append(".who{font-weight:600}.at{color:#667;font-size:.85em;margin-left:.5rem}")
        .append(".text{white-space:pre-wrap;margin:.1rem 0 0}.system{color:#667;font-style:italic}")
        .append("</style></head><body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n");
    if (transcripts.isEmpty()) {
      out.append("<p>No chats.</p>\n");
    }
    for (JsonObject t : transcripts) {
      JsonObject chat = t.getJsonObject("chat", new JsonObject());
      out.append("<section><h2>Chat ")
          .append(escape(chat.getString("id")))
          .append("</h2><dl>")
          .append(row("Site", chat.getString("site")))
          .append(row("Button", chat.getString("button")))
          .append(row("Agent", chat.getString("agentName")))
          .append(row("Started", time(chat.getLong("createdAt"))))
          .append(row("Ended", time(chat.getLong("endedAt"))))
          .append(row(
              "Rating", chat.getValue("rating") == null ? "" : chat.getValue("rating") + " / 5"))
          .append("</dl><ol>\n");
      for (Object o : t.getJsonArray("messages", new JsonArray())) {
        JsonObject m = (JsonObject) o;
        boolean system =
            !"visitor".equals(m.getString("from")) && !"agent".equals(m.getString("from"));
        out.append(system ? "<li class=\"system\">" : "<li>")
            .append("<span class=\"who\">")
            .append(escape(who(m)))
            .append("</span><span class=\"at\">")
            .append(escape(time(m.getLong("at"))))
            .append("</span><p class=\"text\">")
            .append(escape(m.getString("text")))
            .append("</p></li>\n");
      }
      out.append("</ol></section>\n");
    }
    return out.append("</body></html>\n").toString();
  }

  private static String row(String label, String value) {
    return value == null || value.isEmpty()
        ? ""
        : "<dt>" + escape(label) + "</dt><dd>" + escape(value) + "</dd>";
  }

  /** The plain-text transcript of one chat, for e-mail. */
  public static String text(JsonObject transcript) {
    JsonObject chat = transcript.getJsonObject("chat", new JsonObject());
    StringBuilder out = new StringBuilder(1024);
    out.append("Your conversation of ").append(time(chat.getLong("createdAt"))).append("\n\n");
    for (Object o : transcript.getJsonArray("messages", new JsonArray())) {
      JsonObject m = (JsonObject) o;
      out.append('[')
          .append(time(m.getLong("at")))
          .append("] ")
          .append(who(m))
          .append(": ")
          .append(m.getString("text", ""))
          .append('\n');
    }
    return out.toString();
  }
}
