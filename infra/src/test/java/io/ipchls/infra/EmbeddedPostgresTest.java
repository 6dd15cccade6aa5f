package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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

  private static Connection connect(EmbeddedPostgres pg) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
  }
}
