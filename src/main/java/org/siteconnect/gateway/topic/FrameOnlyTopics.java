package org.siteconnect.gateway.topic;

/**
 * Page-session topics only the site-connect frame's own UI may speak (DESIGN §11: consent is the visitor's click).
 * The host page's script shares the page session with the frame, so an ordinary page publish cannot tell the two
 * apart: the gateway refuses {@code pub} on these topics and takes the visitor's answer only as the frame's
 * {@code consent} command, which the frame sends from a trusted click on its Allow/Decline buttons. The whole
 * prefixes are reserved ({@code consent_request} too, so a page cannot fake a prompt, and {@code control…} for a
 * future remote-control consent). Stateless.
 */
public final class FrameOnlyTopics {
  private static final String[] PREFIXES = {
    ScopedTopics.PAGE_SESSION_SCOPE + "/cobrowsing/consent",
    ScopedTopics.PAGE_SESSION_SCOPE + "/cobrowsing/control",
  };
  /** Where the frame's {@code consent} command is published (page form). */
  public static final String CONSENT = ScopedTopics.PAGE_SESSION_SCOPE + "/cobrowsing/consent";
  /** Where the frame's {@code control} command (the answer to a remote-control request) is published. */
  public static final String CONTROL = ScopedTopics.PAGE_SESSION_SCOPE + "/cobrowsing/control";

  private FrameOnlyTopics() {}

  /** True if a page publish on {@code pageTopic} must be refused: only the frame's own commands reach it. */
  public static boolean isFrameOnly(String pageTopic) {
    if (pageTopic == null) {
      return false;
    }
    for (String prefix : PREFIXES) {
      if (pageTopic.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
