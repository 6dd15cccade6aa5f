package io.ipchls.bench.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.ScratchDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's CPU as {@link CpuShares} counts it, against a real embedded server. A process that ends between the
 * mark and the split (a closed connection's backend, an autovacuum worker) is gone from {@code /proc} at the split; its
 * time is only in the postmaster's reaped-children counters, and it used to be left out, so PostgreSQL's CPU per row
 * in the benchmarks was too low by whatever such processes used.
 */
class CpuSharesTest {
  @Test
  void aBackendThatEndsInTheMeasuredSpan_isCounted() throws Exception {
    try (ScratchDir dir = ScratchDir.create("cpu-shares-");
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("postgres"), 0)) {
      CpuShares cpu = new CpuShares(-1, dir.resolve("postgres"), "test JVM");
      cpu.mark();
      long t0 = System.nanoTime();
      long backend;
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
          Statement st = c.createStatement()) {
        // about a second of one backend's CPU
        st.execute("SELECT count(*) FROM generate_series(1, 20000000)");
        var rs = st.executeQuery("SELECT pg_backend_pid()");
        rs.next();
        backend = rs.getLong(1);
      }
      // the backend exits after the connection closes, and leaves /proc once the postmaster has reaped it
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (Files.exists(Path.of("/proc", Long.toString(backend))) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertFalse(Files.exists(Path.of("/proc", Long.toString(backend))), "backend " + backend + " was reaped");
      double seconds = (System.nanoTime() - t0) / 1e9;
      CpuShares.Split split = cpu.split();
      double ended = split.postgresByKind().getOrDefault("ended", 0.0) * seconds;
      assertTrue(ended > 0.1, "the closed connection's backend used CPU that is counted as ended: "
          + split.postgresKinds());
      assertEquals(split.postgres(), split.postgresByKind().values().stream().mapToDouble(Double::doubleValue).sum(),
          1e-9, "the total is the sum of the kinds");
    }
  }

  @Test
  void processKinds_fromTheTitlesPostgresSets() {
    assertEquals("checkpointer", CpuShares.kind("postgres: checkpointer "));
    assertEquals("autovacuum worker", CpuShares.kind("postgres: autovacuum worker ipchls"));
    assertEquals("walwriter", CpuShares.kind("postgres: walwriter "));
    assertEquals("backend", CpuShares.kind("postgres: ipchls ipchls 127.0.0.1(51234) idle"));
    assertEquals("other", CpuShares.kind("/usr/lib/postgresql/bin/postgres\0-D\0/tmp/x"));
  }
}
