package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Storage prefixes never nest or overlap: a registration whose prefix equals, lies inside or contains another
 * camera's (path segment by path segment) is a 409 {@code prefix_overlap} naming that camera, and nothing is stored;
 * siblings that only share text are fine; two conflicting registrations at once leave exactly one camera.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrefixOverlapTest {
  private static final String CAMERAS = "/api/v1/cameras";
  private static TestService svc;

  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx);
  }

  @Test
  void register_prefixEqualToAnotherCameras_is409NamingIt() {
    String site = newCameraId("site");
    String first = registered(site + "/door");
    assertOverlap(site + "/door", first, site + "/door");
  }

  @Test
  void register_prefixInsideAnotherCameras_is409NamingIt() {
    String site = newCameraId("site");
    String first = registered(site + "/a/b");
    assertOverlap(site + "/a/b/c", first, site + "/a/b");
  }

  @Test
  void register_prefixContainingAnotherCameras_is409NamingIt() {
    String site = newCameraId("site");
    String first = registered(site + "/a/b");
    assertOverlap(site + "/a", first, site + "/a/b");
  }

  @Test
  void register_prefixEqualToAnotherCamerasDefaultPrefix_is409() {
    String first = newCameraId("dflt");
    svc.register(first); // its prefix is its id
    assertOverlap(first, first, first);
  }

  @Test
  void register_prefixInsideAnotherCamerasDefaultPrefix_is409() {
    String first = newCameraId("dflt");
    svc.register(first);
    assertOverlap(first + "/x", first, first);
  }

  @Test
  void register_defaultPrefixContainingAnotherCameras_is409() {
    String id = newCameraId("dflt");
    String first = registered(id + "/x");
    HttpResponse<Buffer> r = post(new JsonObject().put("id", id)); // default prefix = id, around first's
    assertConflict(r, id, first, id + "/x");
  }

  @Test
  void register_siblingsSharingOnlyText_areBothRegistered() {
    String site = newCameraId("site");
    registered(site + "/a/b");
    registered(site + "/a/bc");
    registered(site + "/a/b-c");
    registered(site + "/a/b.c");
    registered(site + "/ab");
    assertEquals(5L, countUnder(site + "/"));
  }

  @Test
  void register_nestedPrefixesAtOnce_exactlyOneIsRegistered() {
    for (int round = 0; round < 10; round++) {
      String site = newCameraId("race");
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (String prefix : new String[] {site, site + "/a", site + "/a/b", site + "/a/b/c"}) {
        calls.add(svc.admin(HttpMethod.POST, CAMERAS).sendJsonObject(new JsonObject()
            .put("id", newCameraId("race")).put("prefix", prefix)));
      }
      await(Future.join(calls));
      long created = calls.stream().filter(f -> f.result().statusCode() == 201).count();
      long refused = calls.stream().filter(f -> f.result().statusCode() == 409
          && "prefix_overlap".equals(f.result().bodyAsJsonObject().getString("error"))).count();
      assertEquals(1, created, "one of four nested prefixes registered");
      assertEquals(3, refused, "the others refused as overlapping");
      assertEquals(1L, countUnder(site));
    }
  }

  @Test
  void update_prefixIntoAnotherCameras_isRefusedByTheRegistry() {
    String site = newCameraId("site");
    String first = registered(site + "/a");
    String second = registered(site + "/b");
    var refused = assertThrows(PgException.class, () -> await(svc.db.preparedQuery(
        "UPDATE credential.devices SET prefix = $2 WHERE id = $1").execute(Tuple.of(second, site + "/a/b"))));
    assertEquals("23P01", refused.getSqlState(), refused.getMessage());
    assertTrue(refused.getErrorMessage().contains(first), refused.getErrorMessage());
    assertEquals(site + "/b", await(svc.admin(HttpMethod.GET, CAMERAS + "/" + second).send()).bodyAsJsonObject()
        .getString("prefix"), "the prefix is unchanged");
  }

  private static String registered(String prefix) {
    String id = newCameraId("cam");
    HttpResponse<Buffer> r = post(new JsonObject().put("id", id).put("prefix", prefix));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return id;
  }

  private static void assertOverlap(String prefix, String otherId, String otherPrefix) {
    String id = newCameraId("late");
    assertConflict(post(new JsonObject().put("id", id).put("prefix", prefix)), id, otherId, otherPrefix);
  }

  private static void assertConflict(HttpResponse<Buffer> r, String id, String otherId, String otherPrefix) {
    assertEquals(409, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("content-type").startsWith("application/json"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("prefix_overlap", body.getString("error"), body.encode());
    assertTrue(body.getString("message").contains("camera " + otherId), body.encode());
    assertTrue(body.getString("message").contains("'" + otherPrefix + "'"), body.encode());
    assertEquals(404, await(svc.admin(HttpMethod.GET, CAMERAS + "/" + id).send()).statusCode(), "nothing stored");
  }

  private static HttpResponse<Buffer> post(JsonObject body) {
    return await(svc.admin(HttpMethod.POST, CAMERAS).sendJsonObject(body));
  }

  /** Registered cameras whose prefix is {@code head} or starts with it. */
  private static long countUnder(String head) {
    return await(svc.db.preparedQuery("SELECT count(*) FROM credential.devices WHERE starts_with(prefix, $1)")
        .execute(Tuple.of(head))).iterator().next().getLong(0);
  }
}
