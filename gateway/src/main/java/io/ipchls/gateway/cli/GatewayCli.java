package io.ipchls.gateway.cli;

import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.record.RecorderStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  public static void main(String[] args) {
    System.exit(new CommandLine(new GatewayCli()).execute(args));
  }

  /** Exit code of a config file that cannot be used. */
  static final int BAD_CONFIG = 2;
  /** How often the config file is checked for changes. */
  static final long CONFIG_POLL_MS = 2_000;

  @Command(name = "run", mixinStandardHelpOptions = true, description = "record the cameras of a config file")
  static final class Run implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the JSON config file") Path config;
    @Option(names = "--status-interval", defaultValue = "10", description = "seconds between status lines; 0 = none")
    int statusSeconds;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      GatewayService service;
      try {
        service = GatewayService.start(config, CONFIG_POLL_MS);
      } catch (IllegalArgumentException | IOException e) {
        spec.commandLine().getErr().println("ipchls-gateway: " + e.getMessage());
        return BAD_CONFIG;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          service.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        stopped.countDown();
      }, "gateway-shutdown"));
      PrintStream out = System.out;
      while (!stopped.await(statusSeconds == 0 ? 3600 : statusSeconds, TimeUnit.SECONDS)) {
        if (statusSeconds > 0) service.status().stream().map(RecorderStatus::line).forEach(out::println);
      }
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, description = "read and check a config file")
  static final class Check implements Callable<Integer> {
    @Option(names = "--config", required = true) Path config;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try {
        GatewayConfig c = GatewayConfig.read(config);
        c.cameras().forEach(cam -> spec.commandLine().getOut().println(cam.id() + " " + cam.safeUrl()));
        spec.commandLine().getOut().println(config + ": OK, " + c.cameras().size() + " cameras");
        return 0;
      } catch (IllegalArgumentException | IOException e) {
        spec.commandLine().getErr().println("ipchls-gateway: " + e.getMessage());
        return BAD_CONFIG;
      }
    }
  }
}
