package io.ipchls.device.agent;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.upload.S3SegmentUploader;
import io.ipchls.device.upload.StorageCredentials;
import io.ipchls.device.upload.UploadAuthException;
import io.ipchls.device.upload.UploadException;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload thread's work: take the oldest segment, get credentials, PutObject, announce it. Blocking by design
 * (the SDK client is blocking), so it runs on its own thread. Failures that may pass are retried with backoff,
 * keeping the segment at the head of the queue; refused credentials are replaced; a segment the store refuses for
 * good is dropped and counted.
 */
final class SegmentUploadLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentUploadLoop.class);
  private static final int ATTEMPTS_PER_UPLOAD = 4;
  private static final int NOTIFY_ATTEMPTS = 3;
  private static final long MAX_PAUSE_MS = 60_000;

  private final String cameraId;
  private final UploadQueue queue;
  private final DeviceAgent agent;
  final AtomicLong uploaded = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicLong notifyFailures = new AtomicLong();
  private S3SegmentUploader uploader;
  private int consecutiveFailures;

  SegmentUploadLoop(String cameraId, UploadQueue queue, DeviceAgent agent) {
    this.cameraId = cameraId;
    this.queue = queue;
    this.agent = agent;
  }

  @Override
  public void run() {
    try {
      while (!queue.isClosedAndEmpty()) {
        Segment s = queue.poll(1, TimeUnit.SECONDS);
        if (s == null) continue;
        boolean done;
        try {
          done = uploadAndAnnounce(s);
        } catch (RuntimeException e) { // a bug or a bad credential response: keep the thread alive
          LOG.error("camera {}: dropping segment {}", cameraId, s, e);
          refused.incrementAndGet();
          done = true;
        }
        if (!done) {
          queue.requeue(s);
          Thread.sleep(pauseMs());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (uploader != null) uploader.close();
    }
  }

  /** True when the segment is done with (stored, or dropped for good); false to try it again later. */
  private boolean uploadAndAnnounce(Segment s) throws InterruptedException {
    StorageCredentials creds;
    try {
      creds = agent.credentials().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("camera {}: no storage credentials yet: {}", cameraId, e.toString());
      consecutiveFailures++;
      return false;
    }
    String key = ObjectKeys.segmentKey(creds.prefix(), Instant.ofEpochMilli(s.startEpochMs()), s.seq());
    try {
      uploaderFor(creds).upload(key, s.bytes());
    } catch (UploadAuthException e) {
      LOG.warn("camera {}: {}; fetching new credentials", cameraId, e.getMessage());
      failures.incrementAndGet();
      agent.invalidate(creds);
      consecutiveFailures++;
      return false;
    } catch (UploadException e) {
      failures.incrementAndGet();
      consecutiveFailures++;
      if (e.retryable()) return false;
      LOG.error("camera {}: dropping segment {}: {}", cameraId, key, e.getMessage());
      refused.incrementAndGet();
      return true;
    }
    consecutiveFailures = 0;
    uploaded.incrementAndGet();
    bytes.addAndGet(s.size());
    announce(s, key);
    return true;
  }

  private void announce(Segment s, String key) throws InterruptedException {
    SegmentNotification n = new SegmentNotification(SegmentNotification.VERSION, key, s.startEpochMs(),
        s.durationMs(), s.size(), s.sha256(), s.seq(), s.codec(), s.width(), s.height(),
        System.currentTimeMillis(), null);
    for (int attempt = 1; attempt <= NOTIFY_ATTEMPTS; attempt++) {
      try {
        agent.publishSegment(n).get();
        return;
      } catch (ExecutionException e) {
        LOG.warn("camera {}: notification for {} not acknowledged: {}", cameraId, key, e.getCause().toString());
        Thread.sleep(1_000L * attempt);
      }
    }
    notifyFailures.incrementAndGet();
  }

  private S3SegmentUploader uploaderFor(StorageCredentials creds) {
    if (uploader == null || uploader.credentials() != creds) {
      if (uploader != null) uploader.close();
      uploader = new S3SegmentUploader(creds, ATTEMPTS_PER_UPLOAD);
    }
    return uploader;
  }

  private long pauseMs() {
    return Math.min(MAX_PAUSE_MS, 1_000L << Math.min(consecutiveFailures, 6));
  }
}
