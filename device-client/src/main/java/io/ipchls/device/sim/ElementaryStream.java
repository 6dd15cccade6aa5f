package io.ipchls.device.sim;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexBReader;
import io.ipchls.device.h265.NalUnits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A raw H.264 or H.265 Annex-B file (as {@code ffmpeg -f h264} / {@code -f hevc} writes it) taken apart into access
 * units in decoding order, each with its place in presentation order. A raw stream has no timestamps: the order
 * comes from the picture order counts (H.264 §8.2.1, H.265 §8.3.1), sorted within each coded video sequence. The
 * RASL pictures of a CRA that begins the file are left out, since they refer to pictures before it (H.265 §8.1.3);
 * so is anything before the first key picture.
 *
 * @param units access units in decoding order
 * @param presentationIndex for each unit, its position in presentation order (0 .. size−1)
 * @param reorderDepth the largest number of pictures that precede one in decoding order and follow it in output order
 */
record ElementaryStream(List<List<byte[]>> units, int[] presentationIndex, int reorderDepth) {
  /** Files are read whole: a simulated camera loops a short clip. */
  static final long MAX_BYTES = 256L * 1024 * 1024;

  int size() {
    return units.size();
  }

  /**
   * Reads and orders a file.
   *
   * @throws IllegalArgumentException if it is larger than {@value #MAX_BYTES} bytes, holds no key picture of the
   *     codec, or its pictures cannot be ordered (see the codecs' {@code PicOrderCounter})
   */
  static ElementaryStream read(Path file, VideoCodec codec) throws IOException {
    if (Files.size(file) > MAX_BYTES) throw new IllegalArgumentException(file + " is larger than 256 MiB");
    List<List<byte[]>> all = new ArrayList<>();
    AccessUnits splitter = new AccessUnits(codec);
    AnnexBReader reader = new AnnexBReader();
    byte[] chunk = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(chunk)) > 0; ) {
        for (byte[] nal : reader.feed(chunk, 0, n)) splitter.add(nal, all);
      }
    }
    for (byte[] nal : reader.flush()) splitter.add(nal, all);
    splitter.flush(all);
    return order(all, codec, file);
  }

  private static ElementaryStream order(List<List<byte[]>> all, VideoCodec codec, Path file) {
    io.ipchls.device.h264.PicOrderCounter avc = new io.ipchls.device.h264.PicOrderCounter();
    io.ipchls.device.h265.PicOrderCounter hevc = new io.ipchls.device.h265.PicOrderCounter();
    List<List<byte[]>> units = new ArrayList<>();
    List<long[]> keys = new ArrayList<>(); // {sequence, poc, decode index}
    long sequence = -1;
    boolean droppingRasl = false;
    for (List<byte[]> au : all) {
      for (byte[] nal : au) codec.checkNal(nal);
      boolean key = codec.isKey(au);
      if (sequence < 0 && !key) continue; // before the first key picture: not decodable
      int poc = codec == VideoCodec.H264 ? avc.next(au) : hevc.next(au);
      boolean starts = codec == VideoCodec.H264 ? avc.startedSequence() : hevc.startedSequence();
      if (starts || sequence < 0) {
        sequence++;
        droppingRasl = codec == VideoCodec.H265 && !NalUnits.containsIdr(au); // a CRA opening the stream, or a BLA
      } else if (key) {
        droppingRasl = false;
      }
      if (droppingRasl && NalUnits.containsRasl(au)) continue;
      keys.add(new long[] {sequence, poc, units.size()});
      units.add(au);
    }
    if (units.isEmpty()) throw new IllegalArgumentException(file + " holds no " + codec + " key picture");
    List<long[]> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
    int[] presentation = new int[units.size()];
    for (int p = 0; p < sorted.size(); p++) presentation[(int) sorted.get(p)[2]] = p;
    int reorder = 0;
    for (int i = 0; i < presentation.length; i++) reorder = Math.max(reorder, i - presentation[i]);
    return new ElementaryStream(List.copyOf(units), presentation, reorder);
  }

  /** The codec's access unit splitter behind one face. */
  private static final class AccessUnits {
    private final io.ipchls.device.h264.AccessUnitSplitter avc;
    private final io.ipchls.device.h265.AccessUnitSplitter hevc;

    AccessUnits(VideoCodec codec) {
      avc = codec == VideoCodec.H264 ? new io.ipchls.device.h264.AccessUnitSplitter() : null;
      hevc = codec == VideoCodec.H265 ? new io.ipchls.device.h265.AccessUnitSplitter() : null;
    }

    void add(byte[] nal, List<List<byte[]>> out) {
      List<byte[]> done = avc != null ? avc.add(nal) : hevc.add(nal);
      if (done != null) out.add(done);
    }

    void flush(List<List<byte[]>> out) {
      List<byte[]> done = avc != null ? avc.flush() : hevc.flush();
      if (done != null) out.add(done);
    }
  }
}
