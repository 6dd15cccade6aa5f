package io.ipchls.bench.credential;

import io.ipchls.bench.Latencies;
import io.ipchls.protocol.CredentialRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The camera side of a storm in client processes ({@link StormClientProcess}), at most {@value #PER_PROCESS} cameras
 * each: the benchmark process then holds one descriptor per camera (the broker's side of its connection), not two,
 * and no process needs more descriptors than the open-file limit lets it have. The cameras' sockets are spread over
 * loopback source addresses 127.0.0.2, 127.0.0.3, ... at most {@value #PER_SOURCE_ADDRESS} cameras on each, since
 * each source address has its own ephemeral ports ({@code net.ipv4.ip_local_port_range}, 28,232 by default) and a
 * client's bind to a source address counts the ports still in TIME_WAIT from the storm before (with 16,808 cameras on
 * one address, thousands of connects failed "Address already in use" and waited out their backoff). All
 * processes are told to storm at the same moment; a storm's figures are the slowest process's, its latencies all of
 * theirs.
 */
final class StormFleet implements AutoCloseable {
  static final int PER_PROCESS = 15_000;
  static final int PER_SOURCE_ADDRESS = 5_000;
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final List<Child> children = new ArrayList<>();
  private final int cameras;

  /** Starts the client processes; their output other than the answers goes to {@code dir/clients-<k>.log}. */
  StormFleet(String host, int port, List<String[]> cams, int deadlineSeconds, Path dir) throws IOException {
    this.cameras = cams.size();
    int addresses = (cams.size() + PER_SOURCE_ADDRESS - 1) / PER_SOURCE_ADDRESS;
    List<String> sources = new ArrayList<>();
    for (int a = 0; a < Math.max(1, addresses); a++) sources.add("127.0.0." + (2 + a));
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int from = 0, k = 1; from < cams.size(); from += PER_PROCESS, k++) {
      List<String[]> part = cams.subList(from, Math.min(cams.size(), from + PER_PROCESS));
      Path file = dir.resolve("cameras-" + k + ".txt");
      Files.write(file, part.stream().map(c -> c[0] + " " + c[1]).toList());
      List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+UseSerialGC",
          "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path")));
      String logback = System.getProperty("logback.configurationFile");
      if (logback != null) command.add("-Dlogback.configurationFile=" + logback);
      command.addAll(List.of(StormClientProcess.class.getName(), host, Integer.toString(port),
          Integer.toString(deadlineSeconds), file.toString(), String.join(",", sources)));
      Path log = dir.resolve("clients-" + k + ".log");
      Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
      children.add(new Child(k, p, log));
    }
    System.out.printf("cameras in %d client processes, sockets from %s%n", children.size(), String.join(", ", sources));
  }

  /** One storm, requests at the SDK's QoS; returns once every camera holds credentials. */
  StormClients.Result storm() throws InterruptedException {
    return storm(CredentialRequest.QOS);
  }

  /** One storm whose cameras ask for credentials at {@code requestQos}; returns once every camera holds them. */
  StormClients.Result storm(int requestQos) throws InterruptedException {
    children.forEach(c -> c.send("storm " + requestQos));
    List<String[]> answers = new ArrayList<>();
    long nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
    long t0 = System.nanoTime();
    for (Child c : children) {
      while (true) {
        String line = c.answers.poll(1, TimeUnit.SECONDS);
        if (System.nanoTime() > nextProgress) {
          nextProgress += PROGRESS_EVERY_NANOS;
          System.out.printf("  ... %.0f s: %d connected, %d credentialed%n", (System.nanoTime() - t0) / 1e9,
              children.stream().mapToLong(x -> x.connected.get()).sum(),
              children.stream().mapToLong(x -> x.credentialed.get()).sum());
        }
        if (line == null) continue;
        if (line.startsWith("failed")) throw new IllegalStateException("client process " + c.k + ": " + line);
        String connect = c.answers.take();
        String credentials = c.answers.take();
        answers.add(new String[] {line, connect, credentials});
        break;
      }
    }
    Latencies connect = new Latencies(cameras);
    Latencies credentials = new Latencies(cameras);
    long connectedNanos = 0;
    long credentialedNanos = 0;
    long[] counts = new long[4];
    for (String[] a : answers) {
      String[] r = a[0].split(" ");
      connectedNanos = Math.max(connectedNanos, Long.parseLong(r[2]));
      credentialedNanos = Math.max(credentialedNanos, Long.parseLong(r[3]));
      for (int i = 0; i < 4; i++) counts[i] += Long.parseLong(r[4 + i]);
      record(connect, a[1]);
      record(credentials, a[2]);
    }
    return new StormClients.Result(cameras, connectedNanos / 1e9, credentialedNanos / 1e9, counts[0], counts[1],
        counts[2], counts[3], connect, credentials);
  }

  /** CPU time the client processes have used so far. */
  double cpuSeconds() {
    return children.stream().mapToDouble(c -> c.process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9)
        .orElse(0.0)).sum();
  }

  void disconnectAll() throws InterruptedException {
    children.forEach(c -> c.send("disconnect"));
    for (Child c : children) {
      String line = c.answers.take();
      if (!line.equals("disconnected")) throw new IllegalStateException("client process " + c.k + ": " + line);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Child c : children) {
      c.send("exit");
      if (!c.process.waitFor(30, TimeUnit.SECONDS)) c.process.destroyForcibly();
    }
  }

  private static void record(Latencies into, String line) {
    String[] values = line.split(" ");
    for (int i = 1; i < values.length; i++) into.record(Long.parseLong(values[i]));
  }

  /** One client process: its answers in order, its last progress apart. */
  private static final class Child {
    final int k;
    final Process process;
    final Path log;
    final PrintStream in;
    final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    final AtomicLong connected = new AtomicLong();
    final AtomicLong credentialed = new AtomicLong();

    Child(int k, Process process, Path log) {
      this.k = k;
      this.process = process;
      this.log = log;
      this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, "storm-clients-" + k);
      reader.setDaemon(true);
      reader.start();
    }

    void send(String command) {
      in.println(command);
    }

    private void read() {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("progress ")) {
            String[] p = line.split(" ");
            connected.set(Long.parseLong(p[1]));
            credentialed.set(Long.parseLong(p[2]));
          } else {
            answers.add(line);
          }
        }
      } catch (IOException e) {
        answers.add("failed " + e.getMessage());
      }
      answers.add("failed client process " + k + " ended (see " + log + ")");
    }
  }
}
