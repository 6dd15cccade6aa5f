package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaTest {
  private static final List<String> HOSTS = List.of("127.0.0.1", "::1", "localhost");
  @TempDir Path dir;

  @Test
  void ca_isMadeOnce_keptAcrossStarts_withItsKeyOwnerOnly() throws Exception {
    LocalCa first = LocalCa.loadOrCreate(dir);
    LocalCa again = LocalCa.loadOrCreate(dir);
    assertEquals(first.certificate(), again.certificate());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
    assertTrue(Files.readString(first.certificateFile()).startsWith("-----BEGIN CERTIFICATE-----"));
    X509Certificate ca = first.certificate();
    assertTrue(ca.getBasicConstraints() >= 0, "a CA certificate");
    assertTrue(ca.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(9 * 365))), "about 10 years");
  }

  @Test
  void serverCertificate_namesItsHosts_isTrustedThroughTheCa_andIsKeptUntilNearItsEnd() throws Exception {
    LocalCa ca = LocalCa.loadOrCreate(dir);
    ServerTls tls = ca.serverTls("server", HOSTS);
    X509Certificate cert = Pem.readCertificates(tls.certFile()).get(0);
    Set<String> names = cert.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString())
        .collect(Collectors.toSet());
    assertEquals(Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "localhost"), names);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.keyFile())));
    trusting(ca.certificate()).checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
    assertThrows(CertificateException.class, () -> trusting(LocalCa.create(dir.resolve("other"), "other",
        Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)).certificate())
        .checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"), "another CA does not vouch for it");

    assertEquals(cert, read(ca.serverTls("server", HOSTS)), "kept while valid for the same hosts");
    assertNotEquals(cert, read(ca.serverTls("server", List.of("127.0.0.1"))), "new hosts: a new certificate");
    ca.issue("server", HOSTS, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
    X509Certificate renewed = read(ca.serverTls("server", HOSTS));
    assertTrue(renewed.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(300))),
        "10 days left is within " + LocalCa.RENEW_BEFORE + ": renewed");
  }

  private static X509Certificate read(ServerTls tls) throws Exception {
    return Pem.readCertificates(tls.certFile()).get(0);
  }

  private static X509TrustManager trusting(X509Certificate ca) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }
}
