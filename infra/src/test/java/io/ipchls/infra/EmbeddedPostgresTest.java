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

  private static Connection connect(EmbeddedPostgres pg) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
  }
}
