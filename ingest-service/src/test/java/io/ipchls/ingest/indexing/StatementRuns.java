package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;

import io.ipchls.ingest.shared.RecordingGapRule;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Runs an indexing statement, or any query, and returns its rows as text for the comparisons of the schema tests. */
final class StatementRuns {
  private StatementRuns() {}

  /** Runs an indexing statement (one of {@link SegmentRepository}'s, maybe aimed at another schema) on the rows. */
  static List<String> index(Pool pool, String sql, List<SegmentRow> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : await(pool.preparedQuery(sql).execute(SegmentRepository.arguments(rows, RecordingGapRule.DEFAULT)))) {
      out.add(r.toJson().encode());
    }
    return out;
  }

  /** The query's rows, each as its values joined by " | ", in the query's order. */
  static List<String> rows(Pool pool, String sql, Tuple args) {
    List<String> out = new ArrayList<>();
    for (Row r : await(pool.preparedQuery(sql).execute(args))) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) line.append(i == 0 ? "" : " | ").append(r.getValue(i));
      out.add(line.toString());
    }
    return out;
  }
}
