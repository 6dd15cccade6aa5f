package io.ipchls.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GatewayConfigTest {
  private static final String CAMERA = "{\"id\": \"cam-1\", \"secret\": \"s\", \"url\": \"rtsp://10.0.0.5/stream1\"}";

  private static String refused(String json) {
    return assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(json, "gateway.json")).getMessage();
  }

  private static String camera(String extra) {
    return "{\"cameras\": [{\"id\": \"cam-1\", \"secret\": \"s\", \"url\": \"rtsp://10.0.0.5/s\"" + extra + "}]}";
  }

  @Test
  void minimal_getsDefaults() {
    GatewayConfig c = GatewayConfig.parse("{\"cameras\": [" + CAMERA + "]}", "gateway.json");
    assertEquals("127.0.0.1", c.mqtt().host());
    assertEquals(1883, c.mqtt().port());
    assertEquals(20, c.readTimeoutSeconds());
    assertEquals(300, c.authRetrySeconds());
    CameraConfig cam = c.cameras().get(0);
    assertEquals(3, cam.segmentSeconds());
    assertEquals("auto", cam.container());
    assertTrue(cam.audio());
  }

  @Test
  void toString_hidesPasswordsInUrl() {
    GatewayConfig c = GatewayConfig.parse(camera("").replace("rtsp://10.0.0.5/s", "rtsp://admin:pw@10.0.0.5/s"), "f");
    assertEquals("rtsp://10.0.0.5/s", c.cameras().get(0).safeUrl());
    assertFalse(c.cameras().get(0).toString().contains("pw"));
  }

  @Test
  void notJson_refused() {
    assertTrue(refused("{cameras").startsWith("gateway.json: not valid JSON"));
  }

  @Test
  void unknownField_refusedWithItsName() {
    String m = refused(camera(", \"pasword\": \"x\""));
    assertTrue(m.contains("pasword"), m);
  }

  @Test
  void camerasMissing_refused() {
    assertTrue(refused("{}").contains("cameras"));
  }

  @Test
  void badCameraId_refused() {
    assertTrue(refused(camera("").replace("cam-1", "Cam 1")).contains("camera id must match"));
  }

  @Test
  void emptySecret_refused() {
    assertEquals("gateway.json: camera cam-1: secret is empty", refused(camera("").replace("\"s\"", "\"\"")));
  }

  @Test
  void httpUrl_refused() {
    assertEquals("gateway.json: camera cam-1: url must be rtsp://host[:port]/path",
        refused(camera("").replace("rtsp://", "http://")));
  }

  private static String onvifCamera(String onvif) {
    return "{\"cameras\": [{\"id\": \"cam-1\", \"secret\": \"s\", \"onvif\": " + onvif + "}]}";
  }

  @Test
  void onvif_addressAndAccountInsteadOfUrl() {
    CameraConfig c = GatewayConfig.parse(onvifCamera(
        "{\"address\": \"10.0.0.5\", \"username\": \"admin\", \"password\": \"pw\"}"), "f").cameras().get(0);
    assertEquals("http://10.0.0.5/onvif/device_service", c.onvif().deviceService().toString());
    assertEquals("onvif http://10.0.0.5/onvif/device_service", c.safeUrl());
    assertEquals(null, c.uri());
    assertFalse(c.toString().contains("pw"));
    assertEquals("http://10.0.0.5:8080/onvif/device_service", GatewayConfig.parse(onvifCamera(
        "{\"address\": \"10.0.0.5:8080\"}"), "f").cameras().get(0).onvif().deviceService().toString());
    assertEquals("http://10.0.0.5/cgi/onvif", GatewayConfig.parse(onvifCamera(
        "{\"address\": \"http://10.0.0.5/cgi/onvif\"}"), "f").cameras().get(0).onvif().deviceService().toString());
  }

  @Test
  void onvifAndUrl_refused() {
    assertEquals("gateway.json: camera cam-1: give either \"url\" or \"onvif\", not both",
        refused(camera(", \"onvif\": {\"address\": \"10.0.0.5\"}")));
  }

  @Test
  void neitherUrlNorOnvif_refused() {
    assertTrue(refused("{\"cameras\": [{\"id\": \"cam-1\", \"secret\": \"s\"}]}")
        .contains("\"url\" (rtsp://...) or \"onvif\" {address, username, password} is required"));
  }

  @Test
  void onvifAddressNotHttp_refused() {
    assertTrue(refused(onvifCamera("{\"address\": \"rtsp://10.0.0.5/x\"}"))
        .contains("the ONVIF address must be host[:port] or http(s)://host[:port]/path, got rtsp://10.0.0.5/x"));
  }

  @Test
  void onvifWithoutAddress_refused() {
    assertTrue(refused(onvifCamera("{\"username\": \"admin\"}")).contains("address"));
  }

  @Test
  void fmp4_accepted() {
    assertEquals("fmp4", GatewayConfig.parse(camera(", \"container\": \"fmp4\""), "f").cameras().get(0).container());
  }

  @Test
  void unknownContainer_refused() {
    assertTrue(refused(camera(", \"container\": \"mkv\"")).contains("container must be auto, ts or fmp4, got mkv"));
  }

  @Test
  void segmentSecondsOutOfRange_refused() {
    assertTrue(refused(camera(", \"segmentSeconds\": 61")).contains("segmentSeconds must be 1..60"));
  }

  @Test
  void duplicateId_refused() {
    assertEquals("gateway.json: camera id cam-1 is listed twice",
        refused("{\"cameras\": [" + CAMERA + ", " + CAMERA + "]}"));
  }

  @Test
  void badMqttPort_refused() {
    assertTrue(refused("{\"mqtt\": {\"port\": 0}, \"cameras\": []}").contains("mqtt.port must be 1..65535"));
  }

  @Test
  void caFile_impliesTls() throws Exception {
    java.nio.file.Path ca = java.nio.file.Files.createTempFile("ca", ".pem");
    try {
      GatewayConfig c = GatewayConfig.parse("{\"mqtt\": {\"port\": 8883, \"caFile\": \"" + ca + "\"}, \"cameras\": []}",
          "f");
      assertTrue(c.mqtt().tls());
      assertEquals(ca, c.mqtt().caPath());
    } finally {
      java.nio.file.Files.deleteIfExists(ca);
    }
  }

  @Test
  void caFileUnreadable_refused() {
    assertEquals("gateway.json: mqtt.caFile /nonexistent/ca.pem cannot be read",
        refused("{\"mqtt\": {\"caFile\": \"/nonexistent/ca.pem\"}, \"cameras\": []}"));
  }

  @Test
  void caFileWithoutTls_refused() {
    assertEquals("gateway.json: mqtt.caFile is for TLS: remove it or set tls",
        refused("{\"mqtt\": {\"tls\": false, \"caFile\": \"/x.pem\"}, \"cameras\": []}"));
  }

  @Test
  void readTimeoutTooShort_refused() {
    assertTrue(refused("{\"readTimeoutSeconds\": 1, \"cameras\": []}").contains("readTimeoutSeconds must be 2..600"));
  }

  @Test
  void eventMode_withRolls_accepted() {
    CameraConfig cam = GatewayConfig.parse(camera(", \"mode\": \"event\", \"preRollSeconds\": 5, "
        + "\"postRollSeconds\": 30"), "f").cameras().get(0);
    assertTrue(cam.recordingMode().eventOnly());
    assertEquals(5_000, cam.recordingMode().preRollMs());
    assertEquals(30_000, cam.recordingMode().postRollMs());
    assertFalse(GatewayConfig.parse(camera(""), "f").cameras().get(0).recordingMode().eventOnly());
  }

  @Test
  void unknownMode_refused() {
    assertTrue(refused(camera(", \"mode\": \"motion\"")).contains("mode must be continuous or event"));
  }

  @Test
  void preRollOver60_refused() {
    assertTrue(refused(camera(", \"preRollSeconds\": 61")).contains("preRollSeconds must be 0..60"));
  }

  @Test
  void postRollZero_refused() {
    assertTrue(refused(camera(", \"postRollSeconds\": 0")).contains("postRollSeconds must be 1..600"));
  }

  @Test
  void shortControlToken_refused() {
    assertTrue(refused("{\"controlToken\": \"short\", \"cameras\": []}")
        .contains("controlToken must be at least 16 characters"));
  }
}
