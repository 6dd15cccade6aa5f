package io.ipchls.gateway.onvif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.gateway.testing.OnvifDeviceStandIn;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnvifClientTest {
  private static final URI RTSP = URI.create("rtsp://127.0.0.1:8554/main");
  @TempDir Path tmp;

  @Test
  void passwordDigest_asTheOnvifProgrammersGuideExample() {
    // ONVIF Application Programmer's Guide §6.1.1.3: nonce, created and password with their digest
    assertEquals("tuOSpGlFlIXsozq4HFNeeGeFLEI=", UsernameToken.digest(
        Base64.getDecoder().decode("LKqI6G/AikKCQrN0zqZFlg=="), "2010-09-16T07:50:45Z", "userpassword"));
  }

  @Test
  void profilesStreamAndSnapshotUri_fromADeviceWhoseClockIsTwoHoursAhead() throws Exception {
    try (OnvifDeviceStandIn device = new OnvifDeviceStandIn("admin", "pw", RTSP, Duration.ofHours(2))) {
      OnvifClient c = new OnvifClient(OnvifClient.deviceServiceUri(device.address()), "admin", "pw");
      assertEquals(RTSP, c.resolveStreamUri(null));
      long offset = c.clockOffset().toSeconds();
      assertTrue(Math.abs(offset - 7200) <= 2, "clock offset " + offset);
      assertEquals(List.of(new OnvifClient.Profile("main", "MainStream", "H264", 320, 240),
          new OnvifClient.Profile("sub", "SubStream", "H264", 160, 120)), c.profiles());
      assertEquals(URI.create("http://" + device.address() + "/onvif/snapshot?token=sub"), c.snapshotUri("sub"));
      assertEquals(RTSP, c.resolveStreamUri("MainStream"));
      assertTrue(device.authenticated.get() >= 6, "every request but the time carried a valid UsernameToken");
      assertEquals(0, device.refused.get());
    }
  }

  @Test
  void withoutClockCorrection_theDeviceRefusesTheToken() throws Exception {
    // shows that the offset matters: the stand-in checks Created against its own clock
    try (OnvifDeviceStandIn device = new OnvifDeviceStandIn("admin", "pw", RTSP, Duration.ofHours(2))) {
      OnvifClient c = new OnvifClient(OnvifClient.deviceServiceUri(device.address()), "admin", "pw");
      OnvifException e = assertThrows(OnvifException.class, c::profiles);
      assertTrue(e.unauthorized(), e.getMessage());
    }
  }

  @Test
  void wrongPassword_clearError() throws Exception {
    try (OnvifDeviceStandIn device = new OnvifDeviceStandIn("admin", "pw", RTSP, Duration.ZERO)) {
      OnvifClient c = new OnvifClient(OnvifClient.deviceServiceUri(device.address()), "admin", "wrong");
      OnvifException e = assertThrows(OnvifException.class, () -> c.resolveStreamUri(null));
      assertTrue(e.unauthorized());
      assertEquals("the ONVIF device refused user 'admin' (GetCapabilities: Sender not Authorized)", e.getMessage());
    }
  }

  @Test
  void unknownProfile_listsTheDevicesProfiles() throws Exception {
    try (OnvifDeviceStandIn device = new OnvifDeviceStandIn("admin", "pw", RTSP, Duration.ZERO)) {
      OnvifClient c = new OnvifClient(OnvifClient.deviceServiceUri(device.address()), "admin", "pw");
      OnvifException e = assertThrows(OnvifException.class, () -> c.resolveStreamUri("third"));
      assertEquals("the device has no profile 'third'; it has [main (MainStream), sub (SubStream)]", e.getMessage());
    }
  }

  @Test
  void nobodyListening_clearError() {
    OnvifClient c = new OnvifClient(URI.create("http://127.0.0.1:1/onvif/device_service"), "admin", "pw");
    OnvifException e = assertThrows(OnvifException.class, c::mediaService);
    assertTrue(e.getMessage().startsWith("GetCapabilities: cannot reach the ONVIF device at http://127.0.0.1:1/"),
        e.getMessage());
  }

  @Test
  void externalEntity_refusedNotRead() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "top secret");
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
        + "<e xmlns=\"" + Soap.TT + "\"><Uri>&x;</Uri></e>";
    IOException e = assertThrows(IOException.class, () -> Soap.parse(xxe.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
  }
}
