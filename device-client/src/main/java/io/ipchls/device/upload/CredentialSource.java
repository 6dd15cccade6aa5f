package io.ipchls.device.upload;

import java.util.concurrent.CompletableFuture;

/** Where the uploader gets storage credentials: the MQTT device agent, or credentials the application sets. */
public interface CredentialSource {
  /** Credentials valid now, or once they become available. */
  CompletableFuture<StorageCredentials> credentials();

  /** Storage refused {@code bad} (expired, unknown, 403): do not hand them out again; fetch new ones if possible. */
  void rejected(StorageCredentials bad);
}
