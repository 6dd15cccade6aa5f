package io.ipchls.ingest.indexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.indexing.WriteErrors.Kind;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.time.DateTimeException;
import org.junit.jupiter.api.Test;

/** Which write failures split the batch (permanent), which are already indexed, and which wait (transient). */
class WriteErrorsTest {
  private static Kind of(String sqlState) {
    return WriteErrors.classify(new PgException("message", "ERROR", sqlState, null));
  }

  @Test
  void dataIntegrityAndLimitErrors_arePermanent() {
    for (String state : new String[] {"22003", "22021", "22008", "23502", "23514", "54000", "P0001"}) {
      assertEquals(Kind.PERMANENT, of(state), state);
    }
  }

  @Test
  void duplicateKey_isAlreadyIndexed() {
    assertEquals(Kind.DUPLICATE, of("23505"));
  }

  @Test
  void connectionConcurrencyResourceShutdownAndSchemaErrors_areTransient() {
    for (String state : new String[] {"08006", "40001", "40P01", "53300", "57P01", "57014", "42P01", "42501",
        "XX000"}) {
      assertEquals(Kind.TRANSIENT, of(state), state);
    }
    assertEquals(Kind.TRANSIENT, WriteErrors.classify(new VertxException("Connection is closed")));
  }

  @Test
  void valuesTheClientCannotEncode_arePermanent() {
    assertEquals(Kind.PERMANENT, WriteErrors.classify(new DateTimeException("out of range")));
    assertEquals(Kind.PERMANENT, WriteErrors.classify(new IllegalArgumentException("bad value")));
  }

  @Test
  void description_namesTheSqlStateInOneShortLine() {
    String d = WriteErrors.describe(new PgException("integer out of range\nmore", "ERROR", "22003", null));
    assertTrue(d.startsWith("PostgreSQL refused the segment (SQLSTATE 22003): integer out of range"), d);
    assertTrue(!d.contains("\n") && d.length() <= 203, d);
  }
}
