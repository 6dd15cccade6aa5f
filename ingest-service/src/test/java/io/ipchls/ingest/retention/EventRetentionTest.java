package io.ipchls.ingest.retention;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.retention.RetentionFixture.DAY_S;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.events.EventRepository;
import io.ipchls.protocol.CameraEvent;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Camera events go with their camera's segments: the sweep deletes those started before the camera's retention. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventRetentionTest {
  private final Instant now = Instant.now();
  private RetentionFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new RetentionFixture(vertx);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private void store(String camera, String id, Instant start) {
    await(new EventRepository(fx.support.pool).store(camera,
        new CameraEvent(1, id, "motion", null, start.toEpochMilli(), null, null), "mqtt"));
  }

  private List<String> events(String camera) {
    var rows = await(fx.support.pool.preparedQuery(
        "SELECT event_id FROM ingest.events WHERE camera_id = $1 ORDER BY start_at").execute(Tuple.of(camera)));
    List<String> out = new ArrayList<>();
    for (Row r : rows) out.add(r.getString(0));
    return out;
  }

  @Test
  void sweep_deletesEventsOlderThanTheirCamerasRetention_only() {
    String byDefault = cameraId("ret-ev-default");
    String shortLived = cameraId("ret-ev-short");
    fx.setRetention(shortLived, 2);
    for (String cam : List.of(byDefault, shortLived)) {
      store(cam, "eight-days", now.minusSeconds(8 * DAY_S));
      store(cam, "three-days", now.minusSeconds(3 * DAY_S));
      store(cam, "one-day", now.minusSeconds(DAY_S));
    }
    fx.sweep();
    assertEquals(List.of("three-days", "one-day"), events(byDefault), "the default 7 days");
    assertEquals(List.of("one-day"), events(shortLived), "its own 2 days");
  }
}
