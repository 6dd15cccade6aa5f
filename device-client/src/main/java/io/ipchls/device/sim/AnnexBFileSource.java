package io.ipchls.device.sim;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.segment.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Streams a raw H.264 or H.265 Annex-B file ({@code ffmpeg ... -f h264 clip.h264}, {@code -f hevc clip.h265}; with
 * or without B-frames) as a camera would, optionally with an AAC file in ADTS form ({@code -f adts clip.aac}).
 * Pictures keep their decoding order and get their timestamps from their presentation order
 * ({@link ElementaryStream}): picture i in decoding order has DTS i / fps and PTS (its presentation index + reorder
 * depth) / fps, so PTS ≥ DTS. Each picture is delivered at its DTS on the monotonic clock; audio frame n at
 * n × 1024 / sample rate, before the picture that follows it. With loop, the file starts over on the same clock
 * (the audio loops on its own). The file is read whole (≤ 256 MiB) and should begin with a key picture, as ffmpeg's
 * do. No encoder is needed: this is the simulator's way to stream H.265 with only a JDK.
 */
public final class AnnexBFileSource implements AutoCloseable {
  private final Path file;
  private final VideoCodec codec;
  private final int fps;
  private final boolean loop;
  private final Consumer<Frame> sink;
  private final Path audioFile;
  private final AudioSink audioSink;
  private final PacingThread pacing = new PacingThread();

  /** Receives audio: ADTS frames with their presentation time. */
  @FunctionalInterface
  public interface AudioSink {
    void put(byte[] adts, long ptsMicros);
  }

  /** A video-only source. */
  public AnnexBFileSource(Path file, VideoCodec codec, int fps, boolean loop, Consumer<Frame> sink) {
    this(file, codec, fps, loop, sink, null, null);
  }

  /**
   * @param audioFile an AAC file in ADTS form, or null for none
   * @param audioSink receives its frames (required with an audio file)
   * @throws IllegalArgumentException for a frame rate outside 1..120 or a file that cannot be read
   */
  public AnnexBFileSource(Path file, VideoCodec codec, int fps, boolean loop, Consumer<Frame> sink, Path audioFile,
      AudioSink audioSink) {
    if (fps < 1 || fps > 120) throw new IllegalArgumentException("fps must be 1..120");
    if (!Files.isReadable(file)) throw new IllegalArgumentException("cannot read " + file);
    if (audioFile != null && (!Files.isReadable(audioFile) || audioSink == null)) {
      throw new IllegalArgumentException("cannot read " + audioFile);
    }
    this.file = file;
    this.codec = codec;
    this.fps = fps;
    this.loop = loop;
    this.sink = sink;
    this.audioFile = audioFile;
    this.audioSink = audioSink;
  }

  /**
   * Reads the files (on the calling thread, so that bad files fail here) and starts the pacing thread; {@code onEnd}
   * runs when the file ends (never with loop).
   *
   * @throws IllegalArgumentException if a file is not what it should be
   * @throws UncheckedIOException if it cannot be read
   */
  public synchronized void start(Runnable onEnd) {
    ElementaryStream video;
    AdtsFile audio;
    try {
      video = ElementaryStream.read(file, codec);
      audio = audioFile == null ? null : AdtsFile.read(audioFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pacing.start("annexb-file", () -> {
      try {
        play(video, audio);
      } finally {
        onEnd.run();
      }
    });
  }

  private void play(ElementaryStream video, AdtsFile audio) {
    long start = System.nanoTime();
    long audioIndex = 0;
    long loopStart = 0;
    do {
      for (int i = 0; i < video.size() && pacing.running(); i++) {
        long dtsFrames = loopStart + i;
        long dtsMicros = dtsFrames * 1_000_000L / fps;
        for (; audio != null && audio.ptsMicros(audioIndex) <= dtsMicros && pacing.running(); audioIndex++) {
          waitUntil(start, audio.ptsMicros(audioIndex));
          audioSink.put(audio.frames().get((int) (audioIndex % audio.frames().size())), audio.ptsMicros(audioIndex));
        }
        waitUntil(start, dtsMicros);
        long ptsFrames = loopStart + video.presentationIndex()[i] + video.reorderDepth();
        List<byte[]> au = video.units().get(i);
        sink.accept(new Frame(au, Frame.micros90k(ptsFrames * 1_000_000L / fps), Frame.micros90k(dtsMicros),
            codec.isKey(au), codec));
      }
      loopStart += video.size();
    } while (loop && pacing.running());
  }

  private void waitUntil(long startNanos, long micros) {
    long wait = startNanos + micros * 1_000 - System.nanoTime();
    if (wait > 0) LockSupport.parkNanos(wait);
  }

  @Override
  public void close() throws InterruptedException {
    Thread t = pacing.stop();
    if (t != null && t != Thread.currentThread()) t.join(5_000);
  }
}
