package io.ipchls.launcher.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;

/** A test CA and a server certificate for localhost / 127.0.0.1, made with Debian's openssl. */
record Pki(Path caPem, Path serverCert, Path serverKey, Path trustStore) {
  static final String TRUSTSTORE_PASSWORD = "changeit";

  static Pki create(Path dir) throws Exception {
    Files.createDirectories(dir);
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ipchls test CA",
        "-keyout", "ca.key", "-out", "ca.pem");
    run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
        "-out", "server.csr");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
    Path trustStore = dir.resolve("truststore.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    {
      ks.load(null, null);
      try (var in = Files.newInputStream(dir.resolve("ca.pem"))) {
        ks.setCertificateEntry("ipchls-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      try (var out = Files.newOutputStream(trustStore)) {
        ks.store(out, TRUSTSTORE_PASSWORD.toCharArray());
      }
    }
    return new Pki(dir.resolve("ca.pem"), dir.resolve("server.crt"), dir.resolve("server.key"), trustStore);
  }

  /** JVM options that make a Java process trust the test CA (what an operator does with the system trust store). */
  List<String> jvmTrust() {
    return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + TRUSTSTORE_PASSWORD,
        "-Djavax.net.ssl.trustStoreType=PKCS12");
  }

  static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
  }
}
