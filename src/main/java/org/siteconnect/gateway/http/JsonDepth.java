package org.siteconnect.gateway.http;

/**
 * A cheap scan for JSON nested deeper than a limit, run on SockJS xhr_send bodies before the bridge parses them:
 * Jackson refuses very deep documents with an exception that the XHR transport turns into a dropped connection
 * instead of an answer.
 */
final class JsonDepth {
  private JsonDepth() {}

  static boolean exceeds(CharSequence json, int maxDepth) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > maxDepth) {
          return true;
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return false;
  }
}
