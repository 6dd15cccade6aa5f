package io.ipchls.device.flac;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes mono 16-bit PCM into FLAC frames of a fixed block size (RFC 9639), for carrying G.711 camera audio in fMP4
 * (one FLAC frame per fMP4 sample, see {@code io.ipchls.device.fmp4.AudioTrack#flac}). Browsers cannot decode G.711
 * but all play FLAC in MP4; FLAC is lossless, so the decoded audio equals the G.711 expansion sample for sample.
 * Samples are buffered until a block is full. Not thread-safe.
 *
 * <pre>{@code
 * FlacEncoder flac = new FlacEncoder(8000, FlacEncoder.DEFAULT_BLOCK_SIZE);
 * for (FlacEncoder.Frame f : flac.push(G711.decode(G711.Law.A_LAW, rtpPayload))) mux(f.data(), f.firstSample());
 * }</pre>
 */
public final class FlacEncoder {
  /** 1024 samples: 128 ms at 8 kHz, like one AAC frame's sample count; FLAC allows 16..65535 (§9.1.1). */
  public static final int DEFAULT_BLOCK_SIZE = 1024;

  /** One encoded frame: its bytes, the index of its first sample since the stream began, and its sample count. */
  public record Frame(byte[] data, long firstSample, int samples) {}

  private final int sampleRate;
  private final int blockSize;
  private final short[] block;
  private int buffered;
  private long frameNumber;
  private long samplesEncoded;

  /**
   * @param sampleRate samples per second (8000 for G.711), 1..655350
   * @param blockSize samples per frame, 16..65535
   */
  public FlacEncoder(int sampleRate, int blockSize) {
    if (sampleRate < 1 || sampleRate > 655_350) throw new IllegalArgumentException("sample rate " + sampleRate);
    if (blockSize < 16 || blockSize > 65_535) throw new IllegalArgumentException("block size " + blockSize);
    this.sampleRate = sampleRate;
    this.blockSize = blockSize;
    this.block = new short[blockSize];
  }

  /** The 34-byte STREAMINFO block describing this encoder's stream (for the fMP4 dfLa box). */
  public byte[] streamInfo() {
    return FlacFrames.streamInfo(sampleRate, blockSize);
  }

  public int sampleRate() {
    return sampleRate;
  }

  /** Adds samples; returns the frames they completed (possibly none). */
  public List<Frame> push(short[] pcm) {
    List<Frame> frames = new ArrayList<>(pcm.length / blockSize + 1);
    int pos = 0;
    while (pos < pcm.length) {
      int n = Math.min(blockSize - buffered, pcm.length - pos);
      System.arraycopy(pcm, pos, block, buffered, n);
      buffered += n;
      pos += n;
      if (buffered == blockSize) frames.add(encodeBuffered());
    }
    return frames;
  }

  /**
   * Ends the stream: the buffered samples as a last, shorter frame (only the last frame of a fixed-blocksize stream
   * may be shorter, §9.1.1), or null when none are buffered.
   */
  public Frame finish() {
    return buffered == 0 ? null : encodeBuffered();
  }

  private Frame encodeBuffered() {
    byte[] data = FlacFrames.frame(block, 0, buffered, frameNumber++, sampleRate);
    Frame frame = new Frame(data, samplesEncoded, buffered);
    samplesEncoded += buffered;
    buffered = 0;
    return frame;
  }
}
