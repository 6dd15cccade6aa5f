package io.ipchls.gateway.cli;

import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.onvif.OnvifClient;
import io.ipchls.gateway.onvif.OnvifException;
import io.ipchls.gateway.onvif.WsDiscovery;
import io.ipchls.gateway.record.RecorderStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * and checks the file. {@code discover} looks for ONVIF cameras on the local network (WS-Discovery), and with a
 * user name and password lists each one's profiles and RTSP URLs.
 */
@Command(name = "ipchls-gateway", mixinStandardHelpOptions = true,
    subcommands = {GatewayCli.Run.class, GatewayCli.Check.class, GatewayCli.Discover.class},
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

  @Command(name = "discover", mixinStandardHelpOptions = true,
      description = "find ONVIF cameras on the local network (WS-Discovery probe to 239.255.255.250:3702)")
  static final class Discover implements Callable<Integer> {
    @Option(names = "--timeout", defaultValue = "3", description = "seconds to wait for answers") int seconds;
    @Option(names = "--target", description = "host:port to probe instead of the multicast group") String target;
    @Option(names = "--username", description = "with --password: list each camera's profiles and stream URLs")
    String username;
    @Option(names = "--password", description = "the cameras' password", interactive = true, arity = "0..1")
    String password;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      InetSocketAddress to = WsDiscovery.MULTICAST;
      if (target != null) {
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
          spec.commandLine().getErr().println("ipchls-gateway: --target must be host:port");
          return BAD_CONFIG;
        }
        to = new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
      }
      List<WsDiscovery.Device> devices = WsDiscovery.probe(to, Duration.ofSeconds(seconds));
      for (WsDiscovery.Device d : devices) {
        out.println(String.join(" ", d.xaddrs()) + "  name=" + d.scope("name") + " hardware=" + d.scope("hardware"));
        if (username == null) continue;
        try {
          OnvifClient c = new OnvifClient(OnvifClient.deviceServiceUri(d.xaddrs().get(0)), username, password);
          c.systemDateAndTime();
          for (OnvifClient.Profile p : c.profiles()) {
            out.println("  profile " + p.token() + " (" + p.name() + ", " + p.encoding() + " " + p.width() + "x"
                + p.height() + "): " + c.streamUri(p.token()));
          }
        } catch (OnvifException | IllegalArgumentException e) {
          out.println("  " + e.getMessage());
        }
      }
      out.println(devices.size() + " ONVIF devices answered");
      out.flush();
      return 0;
    }
  }
}
