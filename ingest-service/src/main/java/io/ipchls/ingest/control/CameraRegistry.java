package io.ipchls.ingest.control;

import io.ipchls.kit.registry.CameraRegistryReader;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which cameras exist and their storage prefixes, from credential-service's registry through its one reader
 * ({@link CameraRegistryReader}). Without the registry in the database (ingest deployed alone) every camera id is
 * accepted with itself as prefix, as {@code CameraPolicies} does for notifications.
 */
final class CameraRegistry {
  private final CameraRegistryReader reader;

  CameraRegistry(Pool pool) {
    this.reader = new CameraRegistryReader(pool);
  }

  /** The registered cameras among {@code ids} with their prefixes (a missing id is not registered). */
  Future<Map<String, String>> prefixes(List<String> ids) {
    return reader.prefixes(ids).map(found -> found.orElseGet(() -> {
      Map<String, String> all = new HashMap<>();
      ids.forEach(id -> all.put(id, id));
      return all;
    }));
  }
}
