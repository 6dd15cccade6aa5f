package io.ipchls.device.upload;

import io.ipchls.device.segment.Segment;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.StorageTier;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera's way from a cut segment to object storage: the memory budget ({@link UploadQueue}), the optional
 * {@link SegmentSpool} and the upload thread ({@link SegmentUploadLoop}), which stores each segment and hands its
 * notification to the announcer.
 */
public final class UploadPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(UploadPipeline.class);

  private final String cameraId;
  private final SegmentSpool spool;
  private final UploadQueue queue;
  private final SegmentUploadLoop uploads;
  private final Thread uploadThread;

  /**
   * @param queueBytes memory for segments waiting for upload; beyond it the oldest go to the spool or are dropped
   * @param spool where segments wait on disk, or null to drop them (counted)
   * @param announcer receives the notification of every stored segment, on the upload thread
   */
  public UploadPipeline(String cameraId, long queueBytes, SegmentSpool spool, CredentialSource credentials,
      Consumer<SegmentNotification> announcer, UploadSettings settings) {
    this.cameraId = cameraId;
    this.spool = spool;
    this.queue = new UploadQueue(queueBytes, spool);
    this.uploads = new SegmentUploadLoop(cameraId, queue, spool, credentials, announcer, settings);
    this.uploadThread = new Thread(uploads, "upload-" + cameraId);
    this.uploadThread.setDaemon(true);
  }

  /** Starts the upload thread. */
  public void start() {
    uploadThread.start();
  }

  /** Takes a cut segment; never blocks on the network. */
  public void add(Segment s) {
    if (spool != null && uploads.isFailing() && spool.put(s)) return; // storage unreachable: keep it on disk
    int left = queue.offer(s);
    if (left > 0) {
      LOG.warn("camera {}: memory budget full, {} old segment(s) {}", cameraId, left,
          spool == null ? "dropped" : "spooled");
    }
  }

  /** Takes no more segments; the upload thread stores what is queued, then ends. */
  public void closeQueue() {
    queue.close();
  }

  /**
   * Waits up to {@code drainMillis} for the upload thread to store what is queued, stops it if it is not done, and
   * moves what is still queued to the spool (or drops it, counted). After {@link #start} and {@link #closeQueue}.
   */
  public void drain(long drainMillis) throws InterruptedException {
    if (drainMillis > 0) uploadThread.join(drainMillis); // join(0) would wait for ever, not "not at all"
    if (uploadThread.isAlive()) {
      LOG.warn("camera {}: uploads not done within the drain time; {} queued segment(s) go to the spool or are "
          + "dropped", cameraId, queue.size());
      uploadThread.interrupt();
      uploadThread.join(TimeUnit.SECONDS.toMillis(5));
    }
    queue.spillAll();
  }

  /** Where later segments go, inside the credentials' prefix (null: the credentials' prefix). */
  public void keyPrefix(String keyPrefix) {
    uploads.keyPrefix(keyPrefix);
  }

  /** Replaces the object tags of later uploads. */
  public void tags(Map<String, String> tags) {
    uploads.settings(uploads.currentSettings().withTags(tags));
  }

  /** Writes later uploads under the storage plan {@code tier} (null: none). */
  public void tier(StorageTier tier) {
    uploads.settings(uploads.currentSettings().withTier(tier));
  }

  /** The counters now. */
  public UploadCounters counters() {
    long dropped = queue.dropped() + uploads.refused.get() + (spool == null ? 0 : spool.dropped() + spool.discarded());
    return new UploadCounters(uploads.uploaded.get(), uploads.backfilled.get(), uploads.bytes.get(), dropped,
        uploads.failures.get(), queue.size(), queue.bytes(), spool == null ? 0 : spool.size(),
        spool == null ? 0 : spool.bytes(), uploads.lastError.get());
  }
}
