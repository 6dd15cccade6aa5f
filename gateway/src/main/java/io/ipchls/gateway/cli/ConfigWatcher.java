package io.ipchls.gateway.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when the config file's content changed (read every {@code periodMs}: a poll works on every file system
 * and through editors that replace the file, and content catches two edits within a file time's resolution) or on
 * SIGHUP, where the platform has it.
 */
final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
  private final Path file;
  private final Runnable onChange;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "gateway-config-watch");
    t.setDaemon(true);
    return t;
  });
  private Object stamp;

  ConfigWatcher(Path file, long periodMs, Runnable onChange) {
    this.file = file;
    this.onChange = onChange;
    this.stamp = stamp();
    poller.scheduleWithFixedDelay(this::check, periodMs, periodMs, TimeUnit.MILLISECONDS);
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> poller.execute(onChange));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.info("no SIGHUP on this platform: the config is reloaded when the file changes");
    }
  }

  private void check() {
    Object now = stamp();
    if (now != null && !Objects.equals(now, stamp)) {
      stamp = now;
      onChange.run();
    }
  }

  private Object stamp() {
    try {
      return ByteBuffer.wrap(Files.readAllBytes(file)); // equal when the bytes are
    } catch (IOException e) {
      return null; // mid-replacement: try again next time
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
