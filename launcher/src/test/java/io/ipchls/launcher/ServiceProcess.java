package io.ipchls.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One service running in a JVM of its own, started the way an operator starts it: {@code java -cp ...
 * io.ipchls.<service>.Main config.json}, with the test's classpath. Its output goes to a log file next to its config.
 */
final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** The module options {@code ./ipc-hls} gives the JVM (Hazelcast's metrics and networking want them). */
  static final List<String> HAZELCAST_JVM_OPTIONS = List.of(
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  final String name;
  final String mainClass;
  final Path config;
  final Path log;
  final int httpPort;
  private Process process;

  ServiceProcess(String name, String mainClass, Path dir, JsonObject config) throws IOException {
    this.name = name;
    this.mainClass = mainClass;
    this.config = dir.resolve(name + ".json");
    this.log = dir.resolve(name + ".log");
    this.httpPort = config.getJsonObject("http").getInteger("port");
    Files.writeString(this.config, config.encodePrettily());
  }

  ServiceProcess start() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"));
    cmd.addAll(HAZELCAST_JVM_OPTIONS);
    cmd.addAll(List.of("-cp", classpath(), mainClass, config.toString()));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
        log.toFile())).start();
    return this;
  }

  /** Surefire puts the real classpath in this property when the JVM's own is only its booter jar. */
  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  /** The HTTP status of GET path, or -1 when the service does not answer. */
  int status(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster or the broker. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the service's shutdown hook stops it; returns its exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  /** The last lines of its log, for a failure message. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return name + " log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return name + ": no log (" + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) kill();
  }
}
