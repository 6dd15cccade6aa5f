package io.ipchls.device.upload;

import io.ipchls.device.codec.ByteRange;
import io.ipchls.device.codec.Container;
import io.ipchls.device.segment.InitSegment;
import io.ipchls.device.segment.Segment;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segments kept on disk while they cannot be uploaded: through network outages and process restarts, bounded by a
 * byte limit (the oldest are deleted, and counted, beyond it). Each segment is two files, {@code <name>.ts} (the
 * bytes, also of an fMP4 media segment) and {@code <name>.json} (start time, duration, sequence number, container...
 * as it was cut), each written to a temporary file and renamed; the JSON is written last and marks the entry
 * complete. On open, incomplete entries and entries whose bytes do not match their SHA-256 are deleted, so a corrupt
 * segment is never uploaded. An fMP4 segment's init segment is kept once per configuration in
 * {@code init/<sha256>.mp4} beside the entries (written before the entry that names it, checked against its hash when
 * read, and kept as long as the spool: init segments are small and few), so a spooled segment finds its init segment
 * after a restart. A segment's thumbnail is {@code <name>.jpg}, written before the entry's bytes; the key frame's
 * range is in the JSON. Entries come out oldest first (by start time, then sequence number). Thread-safe.
 */
public final class SegmentSpool {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentSpool.class);
  private static final String TS = ".ts";
  private static final String META = ".json";
  private static final String JPG = ".jpg";
  private static final String TMP = ".tmp";
  private static final String INIT_DIR = "init";

  /** What the JSON file holds: everything of a {@link Segment} except its bytes. */
  record Meta(long start, long durationMs, long seq, int width, int height, String codec, String sha256,
      boolean clockJump, long bytes, double frameRate, String container, String initSha256, Boolean discontinuity,
      Long keyFrameOffset, Long keyFrameLength, String thumbnailSha256) {}

  /** One stored segment, in start-time order. */
  public record Entry(String name, long startEpochMs, long seq, long bytes) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(startEpochMs, o.startEpochMs);
      if (c == 0) c = Long.compare(seq, o.seq);
      return c != 0 ? c : name.compareTo(o.name);
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final TreeMap<Entry, Meta> entries = new TreeMap<>();
  private long bytes;
  private long dropped;
  private long discarded;

  /**
   * Opens (creating if needed) the spool in {@code dir} and indexes what an earlier run left there.
   *
   * @param maxBytes byte limit of the stored segments, at least 1 MiB
   * @throws UncheckedIOException if the directory cannot be created or read
   */
  public SegmentSpool(Path dir, long maxBytes) {
    if (maxBytes < 1024 * 1024) throw new IllegalArgumentException("spool limit must be at least 1 MiB");
    this.dir = dir;
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(dir);
      load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open spool " + dir, e);
    }
    if (!entries.isEmpty()) LOG.info("spool {}: {} segment(s), {} bytes from an earlier run", dir, entries.size(), bytes);
  }

  /** Stores a segment; deletes the oldest beyond the byte limit. False on an I/O error (the caller keeps it). */
  public synchronized boolean put(Segment s) {
    String name = String.format("%013d-%06d-%s", s.startEpochMs(), s.seq(), s.sha256().substring(0, 8));
    Meta meta = new Meta(s.startEpochMs(), s.durationMs(), s.seq(), s.width(), s.height(), s.codec(), s.sha256(),
        s.clockJump(), s.size(), s.frameRate(), s.container().wireName(), s.init() == null ? null : s.init().sha256(),
        s.discontinuity() ? Boolean.TRUE : null, s.keyFrame() == null ? null : s.keyFrame().offset(),
        s.keyFrame() == null ? null : s.keyFrame().length(),
        s.thumbnail() == null ? null : Segment.sha256Hex(s.thumbnail()));
    try {
      if (s.init() != null) storeInit(s.init());
      if (s.thumbnail() != null) writeAtomically(dir.resolve(name + JPG), s.thumbnail());
      writeAtomically(dir.resolve(name + TS), s.bytes());
      writeAtomically(dir.resolve(name + META), Json.encode(meta));
    } catch (IOException e) {
      LOG.error("spool {}: cannot store segment {}: {}", dir, s, e.toString());
      deleteQuietly(name);
      return false;
    }
    entries.put(new Entry(name, s.startEpochMs(), s.seq(), s.size()), meta);
    bytes += s.size();
    while (bytes > maxBytes && entries.size() > 1) {
      Entry oldest = entries.firstKey();
      LOG.warn("spool {} full: deleting the oldest segment {}", dir, oldest.name());
      remove(oldest);
      dropped++;
    }
    return true;
  }

  /** The oldest stored segment, if any. */
  public synchronized Optional<Entry> oldest() {
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.firstKey());
  }

  /**
   * Reads a stored segment back. Empty if it is gone (evicted meanwhile) or its bytes no longer match (then it is
   * deleted and counted as discarded).
   */
  public synchronized Optional<Segment> read(Entry e) {
    Meta m = entries.get(e);
    if (m == null) return Optional.empty();
    try {
      byte[] data = Files.readAllBytes(dir.resolve(e.name() + TS));
      if (!Segment.sha256Hex(data).equals(m.sha256())) throw new IOException("checksum mismatch");
      InitSegment init = m.initSha256() == null ? null : readInit(m.initSha256());
      Container container = m.container() == null ? Container.TS : Container.fromWireName(m.container());
      ByteRange keyFrame = m.keyFrameOffset() == null ? null : new ByteRange(m.keyFrameOffset(), m.keyFrameLength());
      return Optional.of(new Segment(data, m.start(), m.durationMs(), m.seq(), m.width(), m.height(), m.codec(),
          m.sha256(), m.clockJump(), m.frameRate(), container, init, Boolean.TRUE.equals(m.discontinuity()),
          keyFrame, readThumbnail(e.name(), m)));
    } catch (IOException | IllegalArgumentException ex) {
      LOG.error("spool {}: discarding unreadable segment {}: {}", dir, e.name(), ex.toString());
      remove(e);
      discarded++;
      return Optional.empty();
    }
  }

  /** Deletes a segment once it is uploaded. */
  public synchronized void remove(Entry e) {
    if (entries.remove(e) == null) return;
    bytes -= e.bytes();
    deleteQuietly(e.name());
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized long bytes() {
    return bytes;
  }

  /** Segments deleted to respect the byte limit. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Segments found incomplete or corrupt and deleted. */
  public synchronized long discarded() {
    return discarded;
  }

  public Path directory() {
    return dir;
  }

  private void load() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String file = f.getFileName().toString();
        if (file.endsWith(TMP)) {
          Files.deleteIfExists(f);
        } else if (file.endsWith(META)) {
          index(file.substring(0, file.length() - META.length()));
        }
      }
    }
    for (String ext : new String[] {TS, JPG}) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + ext)) {
        for (Path f : files) { // bytes without metadata: the process stopped before the last rename
          String name = f.getFileName().toString();
          if (!Files.exists(dir.resolve(name.substring(0, name.length() - ext.length()) + META))) Files.delete(f);
        }
      }
    }
  }

  private void index(String name) {
    try {
      Meta m = Json.decode(Files.readAllBytes(dir.resolve(name + META)), Meta.class);
      Path ts = dir.resolve(name + TS);
      if (!Files.exists(ts) || Files.size(ts) != m.bytes()) throw new IOException("segment bytes missing");
      entries.put(new Entry(name, m.start(), m.seq(), m.bytes()), m);
      bytes += m.bytes();
    } catch (IOException | ProtocolException e) {
      LOG.warn("spool {}: discarding incomplete entry {}: {}", dir, name, e.getMessage());
      deleteQuietly(name);
      discarded++;
    }
  }

  private void storeInit(InitSegment init) throws IOException {
    Path file = dir.resolve(INIT_DIR).resolve(init.sha256() + ".mp4");
    if (Files.exists(file)) return;
    Files.createDirectories(file.getParent());
    writeAtomically(file, init.bytes());
  }

  /** The thumbnail, or null when the segment had none or it no longer matches its hash (the segment still counts). */
  private byte[] readThumbnail(String name, Meta m) {
    if (m.thumbnailSha256() == null) return null;
    try {
      byte[] jpeg = Files.readAllBytes(dir.resolve(name + JPG));
      if (Segment.sha256Hex(jpeg).equals(m.thumbnailSha256())) return jpeg;
      LOG.warn("spool {}: thumbnail of {} does not match its hash; uploading the segment without it", dir, name);
    } catch (IOException e) {
      LOG.warn("spool {}: thumbnail of {} unreadable ({}); uploading the segment without it", dir, name, e.toString());
    }
    return null;
  }

  private InitSegment readInit(String sha256) throws IOException {
    byte[] bytes = Files.readAllBytes(dir.resolve(INIT_DIR).resolve(sha256 + ".mp4"));
    if (!Segment.sha256Hex(bytes).equals(sha256)) throw new IOException("init segment checksum mismatch");
    return new InitSegment(bytes, sha256);
  }

  private static void writeAtomically(Path target, byte[] data) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + TMP);
    Files.write(tmp, data);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void deleteQuietly(String name) {
    for (String ext : new String[] {TS, META, JPG, TS + TMP, META + TMP, JPG + TMP}) {
      try {
        Files.deleteIfExists(dir.resolve(name + ext));
      } catch (IOException e) {
        LOG.warn("spool {}: cannot delete {}{}: {}", dir, name, ext, e.toString());
      }
    }
  }
}
