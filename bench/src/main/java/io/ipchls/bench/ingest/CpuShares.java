package io.ipchls.bench.ingest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CPU went between {@link #mark()} and {@link #split()}, in cores: PostgreSQL (the postmaster whose command
 * line names {@code pgDataDir}, and its children), the broker (its process, or HiveMQ's threads when embedded), the rest of this JVM (ingest, publishers,
 * JIT, GC), and the whole machine (other work on it included) from {@code /proc}.
 */
final class CpuShares {
  private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux
  private final long brokerPid;
  private final String pgDataDir; // null: no PostgreSQL in this measurement
  private final String jvmLabel;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long t0;
  private double pg0;
  private double broker0;
  private double jvm0;
  private double hivemq0;
  private double machine0;

  /**
   * @param pgDataDir the data folder of our PostgreSQL, or null when the measurement has none
   * @param jvmLabel what the rest of this JVM is, for {@link Split#toString()}
   */
  CpuShares(long brokerPid, Path pgDataDir, String jvmLabel) {
    this.brokerPid = brokerPid;
    this.pgDataDir = pgDataDir == null ? null : pgDataDir.toAbsolutePath().toString();
    this.jvmLabel = jvmLabel;
  }

  void mark() {
    t0 = System.nanoTime();
    pg0 = postgresSeconds();
    broker0 = brokerPid > 0 ? processSeconds(brokerPid) : 0;
    jvm0 = processSeconds(ProcessHandle.current().pid());
    hivemq0 = hivemqThreadSeconds();
    machine0 = machineSeconds();
  }

  /** Cores used per part since {@link #mark()}. */
  record Split(double postgres, double broker, double jvmRest, double machine, String jvmLabel, boolean withPostgres) {
    @Override
    public String toString() {
      return (withPostgres ? String.format("PostgreSQL %.2f, ", postgres) : "")
          + String.format("broker %.2f, %s %.2f, whole machine %.2f cores", broker, jvmLabel, jvmRest, machine);
    }
  }

  Split split() {
    double s = (System.nanoTime() - t0) / 1e9;
    double pg = (postgresSeconds() - pg0) / s;
    double jvm = (processSeconds(ProcessHandle.current().pid()) - jvm0) / s;
    double broker = brokerPid > 0 ? (processSeconds(brokerPid) - broker0) / s : (hivemqThreadSeconds() - hivemq0) / s;
    double rest = brokerPid > 0 ? jvm : jvm - broker;
    return new Split(pg, broker, rest, (machineSeconds() - machine0) / s, jvmLabel, pgDataDir != null);
  }

  /** Microseconds of CPU per row: {@code cores} busy while {@code rowsPerSecond} rows were written. */
  static double microsPerRow(double cores, double rowsPerSecond) {
    return rowsPerSecond > 0 ? cores * 1e6 / rowsPerSecond : Double.NaN;
  }

  /** The machine's load averages (1, 5, 15 min) from {@code /proc/loadavg}: how shared the machine was. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** CPU seconds of HiveMQ's threads in this JVM (they carry "hivemq" or "single-writer" in their names). */
  private double hivemqThreadSeconds() {
    long nanos = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) continue;
      String name = info.getThreadName().toLowerCase();
      if (name.contains("hivemq") || name.contains("single-writer") || name.contains("persistence")) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        if (t > 0) nanos += t;
      }
    }
    return nanos / 1e9;
  }

  /** The top thread names by CPU, for finding out what a part spends its time on. */
  Map<String, Double> threadSeconds() {
    Map<String, Double> out = new HashMap<>();
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) continue;
      String group = info.getThreadName().replaceAll("[0-9]+", "#");
      out.merge(group, threads.getThreadCpuTime(info.getThreadId()) / 1e9, Double::sum);
    }
    return out;
  }

  /** Our postmaster and its children (other PostgreSQL servers on the machine are not ours). */
  private double postgresSeconds() {
    if (pgDataDir == null) return 0;
    Map<Long, Long> parentOf = new HashMap<>();
    long postmaster = -1;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          if (!Files.readString(p.resolve("comm")).trim().equals("postgres")) continue;
          long pid = Long.parseLong(name);
          String stat = Files.readString(p.resolve("stat"));
          parentOf.put(pid, Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]));
          if (new String(Files.readAllBytes(p.resolve("cmdline"))).contains(pgDataDir)) postmaster = pid;
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    double sum = 0;
    for (var e : parentOf.entrySet()) {
      if (e.getKey() == postmaster || e.getValue() == postmaster) sum += processSeconds(e.getKey());
    }
    return sum;
  }

  private static double processSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // utime, stime
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static double machineSeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length; i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]); // all but idle, iowait
      return busy / TICKS_PER_SECOND;
    } catch (IOException e) {
      return 0;
    }
  }
}
