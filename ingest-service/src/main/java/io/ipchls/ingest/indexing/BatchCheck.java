package io.ipchls.ingest.indexing;

import io.ipchls.ingest.indexing.CameraPolicies.Policy;
import io.ipchls.ingest.indexing.NotificationCheck.Rejection;
import io.ipchls.ingest.indexing.SegmentBatcher.Pending;
import io.ipchls.ingest.shared.ObjectStore;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks on a batch of notifications that need I/O: the key (and an fMP4 segment's init segment key, and a
 * thumbnail's key) lies under
 * the camera's storage prefix, the start
 * lies inside the camera's retention window, (when {@code store} is given, the verification mode) the object
 * and its init segment exist in the bucket and may be read, and the camera's storage quota of policy stop is not
 * reached ({@link QuotaCheck}). All I/O happens before any verdict, so a failed lookup can be retried without telling
 * a camera twice.
 *
 * <p>A segment's thumbnail is HEADed too, but only the thumbnail is at stake: a segment whose thumbnail is missing or
 * unreadable is indexed without it (its video is what must not be lost), counted and logged, and the thumbnail API
 * falls back to the nearest segment that has one.
 *
 * <p>An fMP4 segment is unplayable without its init segment, so verification HEADs that too. Init objects are
 * content-named and shared by every segment of one codec configuration: each distinct init key of a batch is HEADed
 * once, and one found present is not asked again for {@link #INIT_PRESENT_TTL_MS} (retention deletes an init object
 * only when no kept row references it, and the newest rows of a streaming camera do).
 */
public final class BatchCheck {
  private static final Logger LOG = LoggerFactory.getLogger(BatchCheck.class);
  private static final long DAY_MS = 86_400_000L;
  /** How long an init object found present is trusted without another HEAD. */
  static final long INIT_PRESENT_TTL_MS = 10 * 60_000L;
  /** Bounds the memory of init objects found present (one entry per camera and codec configuration). */
  private static final int INIT_PRESENT_MAX = 50_000;

  /** A notification refused, with the reason. */
  public record Refused(Pending pending, Rejection rejection) {}

  /** The notifications to write and the refused ones. */
  public record Outcome(List<Pending> accepted, List<Refused> refused) {}

  private final Vertx vertx;
  private final CameraPolicies policies;
  private final ObjectStore store;
  private final LongSupplier clock;
  private final QuotaCheck quotas;
  /** Told the reason of each thumbnail left out ({@code thumbnail_missing}, {@code thumbnail_unreadable}). */
  private final Consumer<String> thumbnailDropped;
  /** Init keys found present, with when; touched only on the verticle's event loop. */
  private final LinkedHashMap<String, Long> initPresent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > INIT_PRESENT_MAX;
    }
  };

  /** @param store the bucket to HEAD each object in, or null not to verify objects */
  public BatchCheck(Vertx vertx, CameraPolicies policies, ObjectStore store, LongSupplier clock, QuotaCheck quotas) {
    this(vertx, policies, store, clock, quotas, reason -> {});
  }

  /** @param thumbnailDropped told the reason each time a segment is indexed without its thumbnail */
  public BatchCheck(Vertx vertx, CameraPolicies policies, ObjectStore store, LongSupplier clock, QuotaCheck quotas,
      Consumer<String> thumbnailDropped) {
    this.vertx = vertx;
    this.policies = policies;
    this.store = store;
    this.clock = clock;
    this.quotas = quotas;
    this.thumbnailDropped = thumbnailDropped;
  }

  public Future<Outcome> check(List<Pending> batch) {
    Set<String> cameras = new LinkedHashSet<>();
    batch.forEach(p -> cameras.add(p.cameraId()));
    return policies.policiesOf(cameras).compose(policyOf -> {
      long now = clock.getAsLong();
      List<Pending> accepted = new ArrayList<>(batch.size());
      List<Refused> refused = new ArrayList<>();
      for (Pending p : batch) {
        Rejection r = checkPolicy(p, policyOf.get(p.cameraId()), now);
        if (r == null) accepted.add(p);
        else refused.add(new Refused(p, r));
      }
      Future<Outcome> verified = store == null || accepted.isEmpty()
          ? Future.succeededFuture(new Outcome(accepted, refused)) : verifyObjects(accepted, refused);
      // the quota last: only segments that would otherwise be indexed count against it
      return verified.compose(o -> quotas.apply(o.accepted(), policyOf).map(q -> {
        List<Refused> all = new ArrayList<>(o.refused());
        all.addAll(q.refused());
        return new Outcome(q.accepted(), all); // the same accepted list: settled() finds the batch by it
      }));
    });
  }

  /** The accepted notifications of a checked batch were committed, or given up (see {@link QuotaCheck#settled}). */
  public void settled(List<Pending> accepted) {
    quotas.settled(accepted);
  }

  private static Rejection checkPolicy(Pending p, Policy policy, long now) {
    String key = p.notification().key();
    if (!ObjectKeys.isUnder(key, policy.prefix())) {
      return new Rejection(p.cameraId(), key, "key_outside_prefix",
          "key is not under the camera's storage prefix " + policy.prefix() + "/");
    }
    // the init segment is read with the segment by every viewer and deleted by retention: held to the same rule, so a
    // camera can neither point viewers at another camera's objects nor have retention delete them
    String init = p.notification().init();
    if (init != null && !ObjectKeys.isUnder(init, policy.prefix())) {
      return new Rejection(p.cameraId(), key, "init_outside_prefix",
          "init is not under the camera's storage prefix " + policy.prefix() + "/");
    }
    // a thumbnail is shown to every viewer of the camera and deleted by retention: the same rule again
    String thumbnail = p.notification().thumbnail();
    if (thumbnail != null && !ObjectKeys.isUnder(thumbnail, policy.prefix())) {
      return new Rejection(p.cameraId(), key, "thumbnail_outside_prefix",
          "thumbnail is not under the camera's storage prefix " + policy.prefix() + "/");
    }
    if (p.notification().start() < now - policy.retentionDays() * DAY_MS) {
      return new Rejection(p.cameraId(), key, "too_old",
          "start is older than the camera's retention of " + policy.retentionDays() + " days");
    }
    return null;
  }

  /**
   * HEADs the objects in parallel on worker threads. Like the database's, the bucket's answers split in two: one about
   * the object (404 missing, 403 AccessDenied) refuses that notification alone; one that may change (5xx, 408, 429,
   * timeouts, connection errors, and a refusal of this service's own key, secret or clock, which every object would
   * get alike: see {@link ObjectStore#presence}) fails the whole check, which is retried with backoff while the
   * messages stay unacknowledged, so a key rotated wrongly holds the fleet's notifications instead of refusing them.
   */
  private Future<Outcome> verifyObjects(List<Pending> candidates, List<Refused> refused) {
    List<Future<ObjectStore.Presence>> heads = candidates.stream()
        .map(p -> vertx.executeBlocking(() -> store.presence(p.notification().key()), false))
        .toList();
    long now = clock.getAsLong();
    Map<String, Future<ObjectStore.Presence>> inits = new LinkedHashMap<>();
    for (Pending p : candidates) {
      String init = p.notification().init();
      if (init == null || inits.containsKey(init)) continue;
      Long seen = initPresent.get(init);
      inits.put(init, seen != null && now - seen < INIT_PRESENT_TTL_MS
          ? Future.succeededFuture(ObjectStore.Presence.PRESENT)
          : vertx.executeBlocking(() -> store.presence(init), false));
    }
    List<Future<ObjectStore.Presence>> thumbnails = candidates.stream()
        .map(p -> p.notification().thumbnail() == null
            ? Future.succeededFuture(ObjectStore.Presence.PRESENT)
            : vertx.executeBlocking(() -> store.presence(p.notification().thumbnail()), false))
        .toList();
    List<Future<?>> all = new ArrayList<>(heads);
    all.addAll(inits.values());
    all.addAll(thumbnails);
    return Future.all(all).map(x -> {
      inits.forEach((init, presence) -> {
        if (presence.result() == ObjectStore.Presence.PRESENT) initPresent.put(init, now);
        else initPresent.remove(init);
      });
      List<Pending> accepted = new ArrayList<>(candidates.size());
      for (int i = 0; i < candidates.size(); i++) {
        Pending p = candidates.get(i);
        ObjectStore.Presence presence = heads.get(i).result();
        String init = p.notification().init();
        ObjectStore.Presence initPresence = init == null ? ObjectStore.Presence.PRESENT : inits.get(init).result();
        if (presence != ObjectStore.Presence.PRESENT) {
          refused.add(new Refused(p, objectRefusal(p, presence)));
        } else if (initPresence != ObjectStore.Presence.PRESENT) {
          refused.add(new Refused(p, initRefusal(p, initPresence)));
        } else if (thumbnails.get(i).result() != ObjectStore.Presence.PRESENT) {
          String reason = thumbnails.get(i).result() == ObjectStore.Presence.MISSING
              ? "thumbnail_missing" : "thumbnail_unreadable";
          LOG.info("camera {}: segment {} indexed without its thumbnail {} ({})", p.cameraId(),
              p.notification().key(), p.notification().thumbnail(), reason);
          thumbnailDropped.accept(reason);
          accepted.add(new Pending(p.cameraId(), p.notification().withoutThumbnail(), p.ack()));
        } else {
          accepted.add(p);
        }
      }
      return new Outcome(accepted, refused);
    });
  }

  private static Rejection objectRefusal(Pending p, ObjectStore.Presence presence) {
    String key = p.notification().key();
    if (presence == ObjectStore.Presence.MISSING) {
      return new Rejection(p.cameraId(), key, "object_missing", "no object with this key in the bucket");
    }
    return new Rejection(p.cameraId(), key, "object_unreadable",
        "the bucket refused to let ingest read this object (403 AccessDenied)");
  }

  private static Rejection initRefusal(Pending p, ObjectStore.Presence presence) {
    String key = p.notification().key();
    if (presence == ObjectStore.Presence.MISSING) {
      return new Rejection(p.cameraId(), key, "init_missing",
          "no init segment " + p.notification().init() + " in the bucket");
    }
    return new Rejection(p.cameraId(), key, "init_unreadable",
        "the bucket refused to let ingest read the init segment (403 AccessDenied)");
  }
}
