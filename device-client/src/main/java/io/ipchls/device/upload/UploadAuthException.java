package io.ipchls.device.upload;

/** Storage refused the credentials (403, expired or unknown key): fetch new ones and try again. */
public class UploadAuthException extends UploadException {
  public UploadAuthException(String message, Throwable cause) {
    super(message, cause, true);
  }
}
