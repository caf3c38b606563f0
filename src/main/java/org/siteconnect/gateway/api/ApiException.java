package org.siteconnect.gateway.api;

/** A REST error: HTTP status, stable code and a sentence, rendered as {@code {error:{code,message}}}. */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad-request", message);
  }
}
