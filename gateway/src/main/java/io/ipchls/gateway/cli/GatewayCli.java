package io.ipchls.gateway.cli;

import io.ipchls.gateway.Gateway;
import io.ipchls.gateway.StatusServer;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.record.RecorderStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ipchls-gateway run --config gateway.json}: records every camera of the config file until stopped, prints
 * one status line per camera every {@code --status-interval} seconds, and reloads the file when it changes or on
 * SIGHUP (a file that does not pass its checks is logged and the running config kept). {@code check} only reads
 * and checks the file.
 */
@Command(name = "ipchls-gateway", mixinStandardHelpOptions = true,
    subcommands = {GatewayCli.Run.class, GatewayCli.Check.class},
    description = "Records existing RTSP cameras into ipc-hls (docs/GATEWAY.md)")
public final class GatewayCli {
  private static final Logger log = LoggerFactory.getLogger(GatewayCli.class);

  public static void main(String[] args) {
    System.exit(new CommandLine(new GatewayCli()).execute(args));
  }

  /** Exit code of a config file that cannot be used. */
  static final int BAD_CONFIG = 2;

  @Command(name = "run", mixinStandardHelpOptions = true, description = "record the cameras of a config file")
  static final class Run implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the JSON config file") Path config;
    @Option(names = "--status-interval", defaultValue = "10", description = "seconds between status lines; 0 = none")
    int statusSeconds;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      GatewayConfig first;
      try {
        first = GatewayConfig.read(config);
      } catch (IllegalArgumentException | IOException e) {
        System.err.println("ipchls-gateway: " + e.getMessage());
        return BAD_CONFIG;
      }
      Gateway gateway = new Gateway();
      gateway.apply(first);
      StatusServer http = first.statusPort() == 0 ? null : new StatusServer(first.statusPort(), gateway::status);
      ConfigWatcher watcher = new ConfigWatcher(config, 2_000, () -> reload(gateway));
      CountDownLatch stopped = new CountDownLatch(1);
      Thread shutdown = new Thread(() -> {
        watcher.close();
        if (http != null) http.close();
        try {
          gateway.close(); // each camera cuts and uploads its last segment, then goes offline
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        stopped.countDown();
      }, "gateway-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdown);
      while (!stopped.await(statusSeconds == 0 ? 3600 : statusSeconds, TimeUnit.SECONDS)) {
        if (statusSeconds > 0) gateway.status().stream().map(RecorderStatus::line).forEach(out::println);
      }
      return 0;
    }

    private void reload(Gateway gateway) {
      try {
        GatewayConfig next = GatewayConfig.read(config);
        gateway.apply(next);
        log.info("config reloaded: {} cameras", next.cameras().size());
      } catch (IllegalArgumentException | IOException e) {
        log.error("config not reloaded, the running one is kept: {}", e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, description = "read and check a config file")
  static final class Check implements Callable<Integer> {
    @Option(names = "--config", required = true) Path config;

    @Override
    public Integer call() {
      try {
        GatewayConfig c = GatewayConfig.read(config);
        c.cameras().forEach(cam -> System.out.println(cam.id() + " " + cam.safeUrl()));
        System.out.println(config + ": OK, " + c.cameras().size() + " cameras");
        return 0;
      } catch (IllegalArgumentException | IOException e) {
        System.err.println("ipchls-gateway: " + e.getMessage());
        return BAD_CONFIG;
      }
    }
  }
}
