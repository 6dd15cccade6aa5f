package io.ipchls.bench.ingest;

import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The broker under test: HiveMQ CE embedded in this JVM, or Debian's Mosquitto ({@code apt-get install mosquitto})
 * started as a process of its own on 127.0.0.1 with anonymous access and the deployment sample's in-flight and queue
 * limits (1000 in flight, 1,000,000 or 512 MiB queued per client; its defaults, 20 and 1000, would throttle and drop),
 * without persistence: each run starts from an empty broker and measures throughput, not what a crash keeps.
 */
abstract class MqttServer implements AutoCloseable {
  abstract int port();

  abstract String name();

  /** The broker's own process id, or -1 when it runs inside this JVM. */
  abstract long pid();

  /** In flight per client, as in the deployment sample. */
  static final int SAMPLE_INFLIGHT = 1000;

  static MqttServer start(String kind, Path dir) throws IOException, InterruptedException {
    return start(kind, dir, SAMPLE_INFLIGHT);
  }

  /** With Mosquitto's {@code max_inflight_messages} set to {@code inflight} (0: no limit). */
  static MqttServer start(String kind, Path dir, int inflight) throws IOException, InterruptedException {
    return switch (kind) {
      case "embedded" -> new Embedded(EmbeddedBroker.start(
          new BrokerOptions(dir, "127.0.0.1", 0, BrokerAuth.allowAllAsService())));
      case "mosquitto" -> Mosquitto.start(dir, inflight);
      default -> throw new IllegalArgumentException("--broker must be embedded or mosquitto, got " + kind);
    };
  }

  private static final class Embedded extends MqttServer {
    private final EmbeddedBroker broker;

    Embedded(EmbeddedBroker broker) {
      this.broker = broker;
    }

    @Override
    int port() {
      return broker.port();
    }

    @Override
    String name() {
      return "HiveMQ CE embedded";
    }

    @Override
    long pid() {
      return -1;
    }

    @Override
    public void close() {
      broker.close();
    }
  }

  private static final class Mosquitto extends MqttServer {
    private final Process process;
    private final int port;

    private Mosquitto(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Mosquitto start(Path dir, int inflight) throws IOException, InterruptedException {
      Files.createDirectories(dir);
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path conf = dir.resolve("mosquitto.conf");
      Files.writeString(conf, """
          listener %d 127.0.0.1
          allow_anonymous true
          persistence false
          max_inflight_messages %d
          max_queued_messages 1000000
          max_queued_bytes 536870912
          log_dest stderr
          log_type error
          log_type warning
          """.formatted(port, inflight));
      Process p = new ProcessBuilder("mosquitto", "-c", conf.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          break;
        } catch (IOException notYet) {
          if (!p.isAlive() || System.nanoTime() > deadline) {
            p.destroy();
            throw new IOException("mosquitto did not start; see " + dir.resolve("mosquitto.log"), notYet);
          }
          Thread.sleep(50);
        }
      }
      return new Mosquitto(p, port);
    }

    @Override
    int port() {
      return port;
    }

    @Override
    String name() {
      return "Mosquitto (Debian, own process)";
    }

    @Override
    long pid() {
      return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
