package io.ipchls.gateway.cli;

import io.ipchls.gateway.Gateway;
import io.ipchls.gateway.StatusServer;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.record.RecorderStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code ipchls-gateway run} runs: the {@link Gateway} on a config file that is reloaded when it changes (or
 * on SIGHUP), and the status endpoint when the file asks for one. A file that fails its checks on reload is logged
 * and the running config kept: a typo must not stop cameras that were recording.
 */
final class GatewayService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayService.class);
  private final Path file;
  private final Gateway gateway = new Gateway();
  private final StatusServer http;
  private final ConfigWatcher watcher;

  private GatewayService(Path file, GatewayConfig first, long pollMs) throws IOException, InterruptedException {
    this.file = file;
    gateway.apply(first);
    this.http = first.statusPort() == 0 ? null : new StatusServer(first.statusPort(), gateway::status,
        first.controlToken(), gateway::trigger);
    this.watcher = new ConfigWatcher(file, pollMs, this::reload);
  }

  /**
   * Reads the file and starts every camera in it.
   *
   * @throws IllegalArgumentException when the file fails its checks (naming the problem)
   */
  static GatewayService start(Path file, long pollMs) throws IOException, InterruptedException {
    return new GatewayService(file, GatewayConfig.read(file), pollMs);
  }

  List<RecorderStatus> status() {
    return gateway.status();
  }

  /** Applies the file as it is now; keeps the running config when the file is bad. */
  synchronized void reload() {
    try {
      GatewayConfig next = GatewayConfig.read(file);
      gateway.apply(next);
      log.info("config reloaded: {} cameras", next.cameras().size());
    } catch (IllegalArgumentException | IOException e) {
      log.error("config not reloaded, the running one is kept: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Each camera cuts and uploads its last segment, then goes offline. */
  @Override
  public void close() throws InterruptedException {
    watcher.close();
    if (http != null) http.close();
    gateway.close();
  }
}
