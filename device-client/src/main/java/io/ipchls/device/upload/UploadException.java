package io.ipchls.device.upload;

/** An upload failed after the uploader's own retries. */
public class UploadException extends Exception {
  private final boolean retryable;

  /** @param retryable true when trying again later may work (server error, network), false for a 4xx */
  public UploadException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
