package io.ipchls.device.mqtt;

import io.ipchls.device.segment.Segment;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.SegmentNotification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications of stored segments that the broker has not acknowledged yet, on disk (one small JSON file each, in
 * the spool's {@code notifications/} folder), so that a camera restarted before the broker took them still announces
 * those segments. Written before the notification is handed to the MQTT agent, deleted on its PUBACK. Thread-safe.
 */
final class NotificationJournal {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationJournal.class);
  private static final String EXT = ".json";

  private final Path dir;

  NotificationJournal(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Keeps {@code n} until {@link #remove}; an I/O error is logged (the notification still goes out from memory). */
  synchronized void record(SegmentNotification n) {
    Path file = file(n.key());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, Json.encode(n));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("cannot journal the notification of {}: {}", n.key(), e.toString());
    }
  }

  synchronized void remove(String key) {
    try {
      Files.deleteIfExists(file(key));
    } catch (IOException e) {
      LOG.warn("cannot delete the journal entry of {}: {}", key, e.toString());
    }
  }

  /** What an earlier run left unacknowledged, oldest first; unreadable entries are deleted. */
  synchronized List<SegmentNotification> pending() {
    List<SegmentNotification> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (!f.getFileName().toString().endsWith(EXT)) {
          Files.deleteIfExists(f); // a write that never finished
          continue;
        }
        try {
          out.add(Json.decode(Files.readAllBytes(f), SegmentNotification.class));
        } catch (ProtocolException e) {
          LOG.warn("discarding unreadable journal entry {}: {}", f, e.getMessage());
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    out.sort(Comparator.comparingLong(SegmentNotification::start).thenComparingLong(SegmentNotification::seq));
    return out;
  }

  private Path file(String key) {
    return dir.resolve(Segment.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 40) + EXT);
  }
}
