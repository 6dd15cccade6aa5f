package io.ipchls.ingest.indexing;

import io.vertx.pgclient.PgException;
import java.time.DateTimeException;
import java.util.Set;

/**
 * Which failures of a write are the data's fault and which are the database's. A {@link Kind#PERMANENT} failure
 * repeats for the same rows however often they are retried (SQLSTATE class 22 data exception, 23 integrity other than
 * the duplicate key, 54 program limit, P0 raised by a function in the write, or the client refusing to encode a
 * value), so the batch is split until the offending notification stands alone and is refused.
 * {@link Kind#DUPLICATE} (23505) means the row is already there. Everything else is {@link Kind#TRANSIENT} and
 * retried with its messages unacknowledged: connection loss (08), serialization failure and deadlock (40), resources
 * (53), shutdown and cancel (57), internal errors (XX), pool and socket errors; and class 42 (undefined table or
 * function, privilege) on purpose: a broken schema fails every row alike, so refusing would drop every camera's
 * segments, while retrying waits (with an alarm) for the operator's fix.
 */
public final class WriteErrors {
  /** How to treat a failed write. */
  public enum Kind {
    PERMANENT, DUPLICATE, TRANSIENT;

    /** The metric tag. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final Set<String> PERMANENT_CLASSES = Set.of("22", "23", "54", "P0");
  private static final String UNIQUE_VIOLATION = "23505";

  private WriteErrors() {}

  public static Kind classify(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      String state = pg.getSqlState();
      if (UNIQUE_VIOLATION.equals(state)) return Kind.DUPLICATE;
      return state.length() == 5 && PERMANENT_CLASSES.contains(state.substring(0, 2)) ? Kind.PERMANENT
          : Kind.TRANSIENT;
    }
    // thrown while turning a notification into parameters: the value itself cannot be sent
    if (failure instanceof IllegalArgumentException || failure instanceof ArithmeticException
        || failure instanceof DateTimeException) {
      return Kind.PERMANENT;
    }
    return Kind.TRANSIENT;
  }

  /** A short text for the camera: the SQLSTATE and the first line of the database's message, at most 200 chars. */
  public static String describe(Throwable failure) {
    String text = failure instanceof PgException pg
        ? "PostgreSQL refused the segment (SQLSTATE " + pg.getSqlState() + "): " + pg.getErrorMessage()
        : "the segment cannot be written: " + failure;
    int nl = text.indexOf('\n');
    if (nl >= 0) text = text.substring(0, nl);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
