package io.ipchls.device.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.Camera;
import io.ipchls.infra.LocalCa;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A camera's CA file is read when the camera is built: a bad one is refused there, with the file named. */
class TrustedCaTest {
  @TempDir Path dir;

  @Test
  void caFile_isReadOnce_withEveryCertificateInIt() {
    Path ca = LocalCa.loadOrCreate(dir).certificateFile();
    TrustedCa trusted = TrustedCa.fromPem(ca);
    assertEquals(1, trusted.certificates().size());
    assertEquals(1, trusted.trustManagers().length);
  }

  @Test
  void missingCaFile_isRefusedByTheBuilder() {
    Path missing = dir.resolve("missing.pem");
    var e = assertThrows(IllegalArgumentException.class, () -> Camera.builder().trustedCa(missing));
    assertTrue(e.getMessage().startsWith("cannot read the CA file " + missing), e.getMessage());
  }

  @Test
  void caFileWithoutACertificate_isRefusedByTheBuilder() throws Exception {
    Path key = Files.writeString(dir.resolve("ca.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    var e = assertThrows(IllegalArgumentException.class, () -> Camera.builder().trustedCa(key));
    assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
  }
}
