package io.ipchls.bench.ingest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
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
  private PgSnapshot pg0 = PgSnapshot.EMPTY;
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
    pg0 = postgres();
    broker0 = brokerPid > 0 ? processSeconds(brokerPid) : 0;
    jvm0 = processSeconds(ProcessHandle.current().pid());
    hivemq0 = hivemqThreadSeconds();
    machine0 = machineSeconds();
  }

  /** Cores used per part since {@link #mark()}. */
  record Split(double postgres, Map<String, Double> postgresByKind, double broker, double jvmRest, double machine,
      String jvmLabel, boolean withPostgres) {
    /** PostgreSQL's cores by process kind, largest first. */
    String postgresKinds() {
      return postgresByKind.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
          .map(e -> String.format("%s %.3f", e.getKey(), e.getValue())).toList().toString();
    }

    @Override
    public String toString() {
      return (withPostgres ? String.format("PostgreSQL %.2f, ", postgres) : "")
          + String.format("broker %.2f, %s %.2f, whole machine %.2f cores", broker, jvmLabel, jvmRest, machine);
    }
  }

  Split split() {
    double s = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> byKind = new TreeMap<>();
    postgresSecondsByKind(pg0, postgres()).forEach((kind, secs) -> byKind.put(kind, secs / s));
    double pg = byKind.values().stream().mapToDouble(Double::doubleValue).sum();
    double jvm = (processSeconds(ProcessHandle.current().pid()) - jvm0) / s;
    double broker = brokerPid > 0 ? (processSeconds(brokerPid) - broker0) / s : (hivemqThreadSeconds() - hivemq0) / s;
    double rest = brokerPid > 0 ? jvm : jvm - broker;
    return new Split(pg, byKind, broker, rest, (machineSeconds() - machine0) / s, jvmLabel, pgDataDir != null);
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

  /**
   * Our postmaster and its children, each child's CPU seconds by pid with its kind, plus what the postmaster's reaped
   * children used ({@code cutime}, {@code cstime}): an autovacuum worker or a backend that ends between
   * {@link #mark()} and {@link #split()} is no longer in {@code /proc} then, and its time is only there.
   */
  private PgSnapshot postgres() {
    if (pgDataDir == null) return PgSnapshot.EMPTY;
    Map<Long, Long> parentOf = new HashMap<>();
    Map<Long, String> kindOf = new HashMap<>();
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
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")));
          if (cmdline.contains(pgDataDir)) postmaster = pid;
          kindOf.put(pid, kind(cmdline));
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return PgSnapshot.EMPTY;
    }
    if (postmaster < 0) return PgSnapshot.EMPTY;
    Map<Long, Double> seconds = new HashMap<>();
    Map<Long, String> kinds = new HashMap<>();
    for (var e : parentOf.entrySet()) {
      long pid = e.getKey();
      if (pid == postmaster || e.getValue() == postmaster) {
        seconds.put(pid, processSeconds(pid));
        kinds.put(pid, pid == postmaster ? "postmaster" : kindOf.get(pid));
      }
    }
    return new PgSnapshot(seconds, kinds, reapedChildrenSeconds(postmaster));
  }

  /**
   * What a PostgreSQL process is, from the title it sets: "postgres: checkpointer", "postgres: autovacuum worker", or
   * for a backend "postgres: user db 127.0.0.1(port) state", which is a "backend".
   */
  static String kind(String cmdline) {
    String title = cmdline.replace('\0', ' ').trim();
    if (!title.startsWith("postgres: ")) return "other";
    String rest = title.substring("postgres: ".length());
    for (String known : new String[] {"checkpointer", "background writer", "walwriter", "autovacuum launcher",
        "autovacuum worker", "logical replication launcher", "stats collector", "io worker", "archiver"}) {
      if (rest.startsWith(known)) return known;
    }
    return "backend";
  }

  /** PostgreSQL's CPU between two snapshots, in seconds, by process kind ("ended" for children reaped meanwhile). */
  static Map<String, Double> postgresSecondsByKind(PgSnapshot before, PgSnapshot after) {
    Map<String, Double> out = new TreeMap<>();
    double vanished = 0;
    for (var e : before.seconds().entrySet()) {
      if (!after.seconds().containsKey(e.getKey())) vanished += e.getValue();
    }
    for (var e : after.seconds().entrySet()) {
      double delta = e.getValue() - before.seconds().getOrDefault(e.getKey(), 0.0);
      out.merge(after.kinds().get(e.getKey()), delta, Double::sum);
    }
    // a reaped child's whole lifetime is in cutime; what it had used before the first snapshot is not in this span
    double ended = after.reaped() - before.reaped() - vanished;
    if (ended != 0) out.merge("ended", ended, Double::sum);
    return out;
  }

  /** Per-pid CPU seconds of our PostgreSQL's processes, their kinds, and its reaped children's total. */
  record PgSnapshot(Map<Long, Double> seconds, Map<Long, String> kinds, double reaped) {
    static final PgSnapshot EMPTY = new PgSnapshot(Map.of(), Map.of(), 0);
  }

  private static double reapedChildrenSeconds(long pid) {
    return statSeconds(pid, 13); // cutime, cstime
  }


  private static double processSeconds(long pid) {
    return statSeconds(pid, 11); // utime, stime
  }

  /** Fields {@code at} and {@code at + 1} of {@code /proc/PID/stat} (after the command), in seconds; 0 when gone. */
  private static double statSeconds(long pid, int at) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[at]) + Long.parseLong(f[at + 1])) / TICKS_PER_SECOND;
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
