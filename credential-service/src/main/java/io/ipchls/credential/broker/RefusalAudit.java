package io.ipchls.credential.broker;

import io.ipchls.credential.db.AuditRepository;
import io.ipchls.credential.db.AuditRepository.Counted;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Refused broker logins, counted per camera id, source address and reason until the next {@link #drain}, which turns
 * them into one audit row each with its count: a flood of bad CONNECTs costs one insert per key and interval, not one
 * per CONNECT. Confined to one verticle's event loop. Bounded: past {@link #MAX_KEYS} distinct keys in one interval,
 * further keys are counted under their reason alone (camera and address null), so memory cannot be flooded either.
 */
final class RefusalAudit {
  static final int MAX_KEYS = 10_000;
  private static final String ACTION = "broker.auth";

  private record Key(String cameraId, String sourceAddress, String reason) {}

  private Map<Key, Integer> counts = new HashMap<>();

  void count(String cameraId, String sourceAddress, String reason) {
    Key key = new Key(cameraId, sourceAddress, reason);
    if (!counts.containsKey(key) && counts.size() >= MAX_KEYS) key = new Key(null, null, reason);
    counts.merge(key, 1, Integer::sum);
  }

  /** The rows counted since the last drain, and a fresh start. */
  List<Counted> drain() {
    if (counts.isEmpty()) return List.of();
    List<Counted> rows = new ArrayList<>(counts.size());
    counts.forEach((k, n) -> rows.add(new Counted(k.cameraId(), ACTION, AuditRepository.REFUSED, k.reason(),
        k.sourceAddress(), n)));
    counts = new HashMap<>();
    return rows;
  }

}
