package io.ipchls.device.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The CA certificates (PEM) a camera trusts for its broker and its object store instead of the JVM's default trust
 * store, e.g. the {@code ca.pem} of a local {@code ipc-hls demo}. Only the trusted roots change: every server
 * certificate is still checked for its chain, its validity dates and the host name connected to.
 */
public final class TrustedCa {
  private final Path file;
  private final byte[] pem;
  private final List<Certificate> certificates;

  private TrustedCa(Path file, byte[] pem, List<Certificate> certificates) {
    this.file = file;
    this.pem = pem;
    this.certificates = certificates;
  }

  /**
   * Reads the certificates of a PEM file.
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no certificate
   */
  public static TrustedCa fromPem(Path file) {
    byte[] pem;
    try {
      pem = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the CA file " + file + ": " + e.getMessage(), e);
    }
    Collection<? extends Certificate> certs;
    try {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate in " + file + ": " + e.getMessage(), e);
    }
    if (certs.isEmpty()) throw new IllegalArgumentException("no PEM certificate in " + file);
    return new TrustedCa(file, pem, List.copyOf(certs));
  }

  public Path file() {
    return file;
  }

  public List<Certificate> certificates() {
    return certificates;
  }

  /** For the AWS SDK's HTTP client: trust exactly these certificates. */
  public TrustManager[] trustManagers() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < certificates.size(); i++) ks.setCertificateEntry("ca-" + i, certificates.get(i));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build trust managers from " + file, e);
    }
  }

  /** For Vert.x clients (MQTT): trust exactly these certificates. */
  public TrustOptions vertxTrust() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(pem));
  }

  @Override
  public String toString() {
    return "TrustedCa[" + file + "]";
  }
}
