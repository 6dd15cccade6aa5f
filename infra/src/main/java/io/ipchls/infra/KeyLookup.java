package io.ipchls.infra;

import io.ipchls.protocol.StorageKeyGrant;
import java.util.Optional;

/**
 * Finds the temporary storage key behind an access key id, for {@link EmbeddedS3}. Called on an S3 server thread
 * once per request; it may block briefly (e.g. a cluster map lookup) but should answer within milliseconds.
 */
@FunctionalInterface
public interface KeyLookup {
  /** The grant for {@code accessKeyId}, expired or not; empty if the key is unknown. */
  Optional<StorageKeyGrant> find(String accessKeyId);

  /** Knows no temporary keys: only the root key works. */
  static KeyLookup none() {
    return accessKeyId -> Optional.empty();
  }
}
