package io.ipchls.device.upload;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials the application sets (the anchor SDK's {@code Set_Credential}); when storage refuses them the uploader
 * waits, segments stay queued (or spooled), until the application sets new ones. Thread-safe.
 */
public final class StaticCredentialSource implements CredentialSource {
  private static final Logger LOG = LoggerFactory.getLogger(StaticCredentialSource.class);
  private CompletableFuture<StorageCredentials> current = new CompletableFuture<>();

  /** Replaces the credentials; waiting uploads continue with them. */
  public synchronized void set(StorageCredentials credentials) {
    if (current.isDone()) current = CompletableFuture.completedFuture(credentials);
    else current.complete(credentials);
  }

  @Override
  public synchronized CompletableFuture<StorageCredentials> credentials() {
    return current.copy();
  }

  @Override
  public synchronized void rejected(StorageCredentials bad) {
    if (current.isDone() && current.join() == bad) {
      LOG.warn("storage refused credentials {}; waiting for new ones", bad);
      current = new CompletableFuture<>();
    }
  }
}
