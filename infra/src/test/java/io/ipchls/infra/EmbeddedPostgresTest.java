package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedPostgresTest {
  @TempDir Path dir;

  @Test
  void rowWritten_isStillThere_afterRestartOnSameDirectory() throws SQLException {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        Connection c = connect(pg);
        Statement s = c.createStatement()) {
      assertEquals("ipchls", pg.database());
      assertTrue(pg.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:" + pg.port() + "/ipchls"));
      s.execute("CREATE TABLE camera (id text PRIMARY KEY)");
      s.execute("INSERT INTO camera VALUES ('cam-a')");
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        Connection c = connect(pg);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM camera")) {
      assertTrue(rs.next());
      assertEquals("cam-a", rs.getString(1));
    }
  }

  @Test
  void wrongPassword_isRefused_bothOnTheFirstStartAndAfterARestart() throws Exception {
    for (int start = 1; start <= 2; start++) {
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0)) {
        SQLException refused = assertThrows(SQLException.class,
            () -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password() + "x").close());
        assertEquals("28P01", refused.getSQLState(), "invalid_password, start " + start + ": " + refused);
        try (Connection c = connect(pg)) {
          assertTrue(c.isValid(5));
        }
      }
    }
  }

  @Test
  void password_isGenerated_keptOwnerOnly_andPgHbaTrustsNobody() throws Exception {
    String password;
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0)) {
      password = pg.password();
      assertTrue(password.length() >= 32, "192 random bits, base64url");
    }
    Path file = dir.resolve(EmbeddedPostgres.PASSWORD_FILE);
    assertEquals(password, Files.readString(file).trim());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String hba = Files.readString(dir.resolve("pg_hba.conf"));
    assertTrue(hba.lines().filter(l -> !l.startsWith("#")).noneMatch(l -> l.contains("trust")), hba);
    assertTrue(hba.contains("host all all 127.0.0.1/32 scram-sha-256"), hba);
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0)) {
      assertEquals(password, pg.password(), "a restart keeps the password");
    }
  }

  /**
   * A commit that returned is on disk: the server is killed (SIGKILL to the postmaster and every process under it, as
   * the OOM killer or a power cut would stop it, no shutdown) right after a stream of single-row commits, and every
   * row whose commit returned is there after a restart. With zonky's own settings (fsync and synchronous_commit off)
   * the last commits of the stream were lost: they were still in the server's memory when it died.
   */
  @Test
  void everyCommitThatReturned_survivesAKilledServer() throws Exception {
    int committed = 0;
    EmbeddedPostgres killed = EmbeddedPostgres.start(dir, 0);
    try (Connection c = connect(killed); Statement s = c.createStatement()) {
      assertEquals("on", show(s, "fsync"));
      assertEquals("on", show(s, "synchronous_commit"));
      s.execute("CREATE TABLE acked (id integer PRIMARY KEY)");
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      try (var insert = c.prepareStatement("INSERT INTO acked VALUES (?)")) {
        // at least 500 ms and 200 commits, whatever the disk's sync costs
        while (System.nanoTime() < until || committed < 200) {
          insert.setInt(1, committed + 1);
          insert.executeUpdate(); // autocommit: returns once committed
          committed++;
        }
      }
      ProcessHandle postmaster = killed.postmaster().orElseThrow();
      var all = postmaster.descendants().toList();
      postmaster.destroyForcibly();
      all.forEach(ProcessHandle::destroyForcibly);
      postmaster.onExit().get(30, TimeUnit.SECONDS);
      for (ProcessHandle p : all) p.onExit().get(30, TimeUnit.SECONDS);
    }
    killed.close(); // the server is gone: only zonky's handle (and its shutdown hook on this directory) is stopped
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        Connection c = connect(pg);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), coalesce(max(id), 0) FROM acked")) {
      assertTrue(rs.next());
      assertEquals(committed, rs.getInt(2), "the last commit that returned");
      assertEquals(committed, rs.getInt(1), "every commit that returned");
    }
  }

  /** Text compares byte by byte, whatever the host's locale: 'B' (0x42) sorts before 'a' (0x61), '-' before '_'. */
  @Test
  void applicationDatabase_isUtf8_withCCollation() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        Connection c = connect(pg);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_encoding_to_char(encoding), datcollate, datctype, "
            + "(SELECT string_agg(x, ' ' ORDER BY x) FROM unnest(ARRAY['cam_a', 'a', 'B', 'cam-b', 'Cam-c']) x) "
            + "FROM pg_database WHERE datname = current_database()")) {
      assertTrue(rs.next());
      assertEquals("UTF8", rs.getString(1));
      assertEquals("C", rs.getString(2));
      assertEquals("C", rs.getString(3));
      assertEquals("B Cam-c a cam-b cam_a", rs.getString(4));
    }
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  private static Connection connect(EmbeddedPostgres pg) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
  }
}
