package io.ipchls.gateway.onvif;

import java.io.IOException;

/** An ONVIF request that failed: the device unreachable, a SOAP fault, or an answer without what was asked. */
public class OnvifException extends IOException {
  private final boolean unauthorized;

  public OnvifException(String message) {
    this(message, false, null);
  }

  public OnvifException(String message, boolean unauthorized, Throwable cause) {
    super(message, cause);
    this.unauthorized = unauthorized;
  }

  /** True when the device refused the user name or password (ter:NotAuthorized, or HTTP 401). */
  public boolean unauthorized() {
    return unauthorized;
  }
}
