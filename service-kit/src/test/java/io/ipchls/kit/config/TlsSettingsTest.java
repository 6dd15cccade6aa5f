package io.ipchls.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.tls.PemTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings refuse at start-up what could only fail later, each with the setting's name. */
class TlsSettingsTest {
  @TempDir Path dir;

  @Test
  void mqttCaFile_thatCannotBeRead_isRefused() {
    var e = assertThrows(ConfigException.class, () -> new MqttConfig("127.0.0.1", 8883, true, "svc", "pw",
        dir.resolve("missing.pem").toString()));
    assertTrue(e.getMessage().contains("mqtt.caFile") && e.getMessage().contains("cannot read"), e.getMessage());
  }

  @Test
  void mqttCaFile_withoutSsl_isRefused() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    var e = assertThrows(ConfigException.class, () -> new MqttConfig("127.0.0.1", 1883, false, "svc", "pw",
        ca.toString()));
    assertTrue(e.getMessage().contains("mqtt.caFile") && e.getMessage().contains("mqtt.ssl"), e.getMessage());
  }

  @Test
  void s3CaFile_thatCannotBeRead_isRefused() {
    var e = assertThrows(ConfigException.class, () -> new S3Config("https://127.0.0.1:9000", "", "us-east-1", "b",
        true, "ak", "sk", dir.resolve("missing.pem").toString()));
    assertTrue(e.getMessage().contains("s3.caFile"), e.getMessage());
  }

  @Test
  void s3CaFile_withoutACertificate_isRefusedWhenTrustIsBuilt() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    var e = assertThrows(ConfigException.class, () -> PemTrust.trustManagers("s3.caFile", notPem));
    assertTrue(e.getMessage().contains("s3.caFile"), e.getMessage());
  }

  @Test
  void httpCertFile_withoutKeyFile_isRefused() throws Exception {
    Path cert = Files.writeString(dir.resolve("server.pem"), "x");
    var e = assertThrows(ConfigException.class, () -> new HttpConfig("127.0.0.1", 8080, "127.0.0.1", -1,
        cert.toString(), ""));
    assertEquals("bad configuration: http.keyFile: is required with http.certFile", e.getMessage());
  }

  @Test
  void httpKeyFile_withoutCertFile_isRefused() throws Exception {
    Path key = Files.writeString(dir.resolve("server.key"), "x");
    var e = assertThrows(ConfigException.class, () -> new HttpConfig("127.0.0.1", 8080, "127.0.0.1", -1, "",
        key.toString()));
    assertEquals("bad configuration: http.certFile: is required with http.keyFile", e.getMessage());
  }

  @Test
  void httpCertFile_thatCannotBeRead_isRefused() throws Exception {
    Path key = Files.writeString(dir.resolve("server.key"), "x");
    var e = assertThrows(ConfigException.class, () -> new HttpConfig("127.0.0.1", 8080, "127.0.0.1", -1,
        dir.resolve("missing.pem").toString(), key.toString()));
    assertTrue(e.getMessage().startsWith("bad configuration: http.certFile"), e.getMessage());
  }
}
