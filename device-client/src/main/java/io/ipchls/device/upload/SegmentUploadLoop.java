package io.ipchls.device.upload;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.upload.S3SegmentUploader;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload thread's work: take the next segment, get credentials, PutObject, hand the notification to the
 * announcer. Blocking by design (the SDK client is blocking), so it runs on its own thread.
 *
 * <p>Live segments come from the memory queue, spooled ones from the spool, oldest first; when both wait they take
 * turns, so a backfill after an outage never stops live video. A segment whose upload fails in a way that may pass
 * goes to the spool with everything waiting in memory (or back to the head of the queue without a spool), new
 * segments go straight to the spool until an upload succeeds again, and the loop pauses with capped exponential
 * backoff and jitter; refused credentials are reported to the credential source and fetched anew; a segment the
 * store refuses for good is dropped and counted.
 */
final class SegmentUploadLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentUploadLoop.class);
  private static final long MAX_PAUSE_MS = 30_000;
  private static final long CREDENTIALS_WAIT_S = 30;

  private final String cameraId;
  private final UploadQueue queue;
  private final SegmentSpool spool;
  private final CredentialSource credentials;
  private final Consumer<SegmentNotification> announcer;
  private volatile UploadSettings settings;
  private volatile String keyPrefix;
  final AtomicLong uploaded = new AtomicLong();
  final AtomicLong backfilled = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicReference<String> lastError = new AtomicReference<>();
  private S3SegmentUploader uploader;
  private int consecutiveFailures;
  private volatile boolean failing;
  private boolean backfillTurn;
  /** Init segment keys stored by this process: each is uploaded once (PUT is idempotent, so a repeat is harmless). */
  private final Set<String> storedInits = new HashSet<>();

  /** Where a segment came from, so a failure puts it back there. */
  private record Work(Segment segment, SegmentSpool.Entry spooled) {}

  SegmentUploadLoop(String cameraId, UploadQueue queue, SegmentSpool spool, CredentialSource credentials,
      Consumer<SegmentNotification> announcer, UploadSettings settings) {
    this.cameraId = cameraId;
    this.queue = queue;
    this.spool = spool;
    this.credentials = credentials;
    this.announcer = announcer;
    this.settings = settings;
  }

  /** New settings (e.g. tags) apply from the next upload. */
  void settings(UploadSettings s) {
    this.settings = s;
  }

  /** Where later segments go (null: the credentials' prefix); see {@link io.ipchls.device.Camera#setKeyPrefix}. */
  void keyPrefix(String prefix) {
    this.keyPrefix = prefix;
  }

  /** The task's prefix when it lies inside the credentials' prefix (the only place they may write), else theirs. */
  private String prefixFor(StorageCredentials creds) {
    String wanted = keyPrefix;
    if (wanted == null || wanted.equals(creds.prefix())) return creds.prefix();
    if (ObjectKeys.isUnder(wanted, creds.prefix())) return wanted;
    LOG.warn("camera {}: key prefix {} is outside the storage prefix {}; using the latter", cameraId, wanted,
        creds.prefix());
    return creds.prefix();
  }

  UploadSettings currentSettings() {
    return settings;
  }

  @Override
  public void run() {
    try {
      while (!queue.isClosedAndEmpty()) {
        Work w = next();
        if (w == null) continue;
        boolean done;
        try {
          done = uploadAndAnnounce(w.segment());
        } catch (InterruptedException e) {
          putBack(w); // stopping: keep it for the next run (spool) or the final spill
          throw e;
        } catch (RuntimeException e) { // a bug or a bad credential response: keep the thread alive
          LOG.error("camera {}: dropping segment {}", cameraId, w.segment(), e);
          refused.incrementAndGet();
          done = true;
        }
        if (done) {
          if (w.spooled() != null) {
            spool.remove(w.spooled());
            backfilled.incrementAndGet();
          }
        } else {
          putBack(w);
          Thread.sleep(pauseMs());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (uploader != null) uploader.close();
    }
  }

  /** The next live or spooled segment (taking turns when both wait), or null after a short wait for live ones. */
  private Work next() throws InterruptedException {
    Optional<SegmentSpool.Entry> spooled = spool == null || queue.isClosed() ? Optional.empty() : spool.oldest();
    if (spooled.isPresent() && (backfillTurn || queue.size() == 0)) {
      backfillTurn = false;
      Optional<Segment> s = spool.read(spooled.get());
      return s.map(seg -> new Work(seg, spooled.get())).orElse(null);
    }
    backfillTurn = true;
    Segment live = spooled.isPresent() ? queue.pollNow() : queue.poll(1, TimeUnit.SECONDS);
    return live == null ? null : new Work(live, null);
  }

  /** After a failure: a live segment goes to the spool, and with it everything waiting in memory (crash-safe). */
  private void putBack(Work w) {
    if (w.spooled() != null) return; // still in the spool
    if (spool == null || !spool.put(w.segment())) queue.requeue(w.segment());
    if (spool != null) queue.spillAll();
  }

  /** True from a failed upload until the next successful one: new segments should go to the spool. */
  boolean isFailing() {
    return failing;
  }

  /** True when the segment is done with (stored, or dropped for good); false to try it again later. */
  private boolean uploadAndAnnounce(Segment s) throws InterruptedException {
    StorageCredentials creds;
    try {
      creds = credentials.credentials().get(CREDENTIALS_WAIT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      fail("no storage credentials: " + e);
      return false;
    }
    String prefix = prefixFor(creds);
    String key = ObjectKeys.segmentKey(prefix, Instant.ofEpochMilli(s.startEpochMs()), s.seq(),
        s.container().wireName());
    String initKey = s.init() == null ? null : ObjectKeys.initKey(prefix, s.init().sha256());
    String thumbnailKey = null;
    try {
      // the init segment first: a player that finds the media segment in a playlist must find its EXT-X-MAP too
      if (initKey != null && !storedInits.contains(initKey)) {
        uploaderFor(creds).upload(initKey, s.init().bytes());
        storedInits.add(initKey);
      }
      thumbnailKey = uploadThumbnail(creds, prefix, s);
      uploaderFor(creds).upload(key, s.bytes());
    } catch (UploadAuthException e) {
      fail(e.getMessage());
      credentials.rejected(creds);
      return false;
    } catch (UploadException e) {
      fail(e.getMessage());
      if (e.retryable()) return false;
      LOG.error("camera {}: dropping segment {}: {}", cameraId, key, e.getMessage());
      refused.incrementAndGet();
      return true;
    }
    consecutiveFailures = 0;
    failing = false;
    uploaded.incrementAndGet();
    bytes.addAndGet(s.size());
    announcer.accept(new SegmentNotification(SegmentNotification.VERSION, key, s.startEpochMs(), s.durationMs(),
        s.size(), s.sha256(), s.seq(), s.codec(), s.width(), s.height(), System.currentTimeMillis(),
        s.clockJump() ? Boolean.TRUE : null,
        s.startsRun() || s.clockJump() || s.discontinuity() ? Boolean.TRUE : null,
        s.container().wireName(), initKey, s.frameRate() > 0 ? s.frameRate() : null,
        /* targetSeconds= */ null, // the camera adds its configured length (Camera)
        s.keyFrame() == null ? null : new SegmentNotification.KeyFrame(s.keyFrame().offset(), s.keyFrame().length()),
        thumbnailKey));
    return true;
  }

  /**
   * Stores the segment's thumbnail before the segment, so that whoever reads the notification finds it; its key, or
   * null without one. A thumbnail the store refuses for good is left out (the segment matters more); a failure that
   * may pass fails the segment's upload, to be tried again with it.
   */
  private String uploadThumbnail(StorageCredentials creds, String prefix, Segment s)
      throws UploadException, InterruptedException {
    if (s.thumbnail() == null) return null;
    String key = ObjectKeys.thumbnailKey(prefix, Instant.ofEpochMilli(s.startEpochMs()), s.seq());
    try {
      uploaderFor(creds).upload(key, s.thumbnail());
      return key;
    } catch (UploadException e) {
      if (e.retryable() || e instanceof UploadAuthException) throw e;
      LOG.warn("camera {}: thumbnail {} refused, announcing the segment without it: {}", cameraId, key,
          e.getMessage());
      return null;
    }
  }

  private void fail(String error) {
    LOG.warn("camera {}: {}", cameraId, error);
    lastError.set(error);
    failures.incrementAndGet();
    consecutiveFailures++;
    failing = true;
  }

  private S3SegmentUploader uploaderFor(StorageCredentials creds) {
    UploadSettings now = settings;
    if (uploader == null || uploader.credentials() != creds || uploader.settings() != now) {
      if (uploader != null) uploader.close();
      uploader = new S3SegmentUploader(creds, now);
    }
    return uploader;
  }

  /** Full jitter over a capped exponential: up to 1 s, 2 s, 4 s ... 30 s. */
  private long pauseMs() {
    long ceiling = Math.min(MAX_PAUSE_MS, 1_000L << Math.min(consecutiveFailures, 5));
    return 200 + ThreadLocalRandom.current().nextLong(ceiling);
  }
}
