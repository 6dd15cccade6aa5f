package io.ipchls.device.sim;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.segment.Frame;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Streams an H.264 Annex-B file ({@code .h264}, e.g. from {@code ffmpeg -c:v libx264 -f h264}) as a camera would,
 * optionally looping: an {@link AnnexBFileSource} for H.264, kept for the callers that name it.
 */
public final class H264FileSource implements AutoCloseable {
  private final AnnexBFileSource source;

  public H264FileSource(Path file, int fps, boolean loop, Consumer<Frame> sink) {
    this.source = new AnnexBFileSource(file, VideoCodec.H264, fps, loop, sink);
  }

  /** Starts the pacing thread; {@code onEnd} runs when the file ends (never with loop). */
  public synchronized void start(Runnable onEnd) {
    source.start(onEnd);
  }

  @Override
  public void close() throws InterruptedException {
    source.close();
  }
}
