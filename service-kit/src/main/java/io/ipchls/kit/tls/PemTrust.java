package io.ipchls.kit.tls;

import io.ipchls.kit.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust in the certificates of one PEM file (a private CA's {@code ca.pem}) instead of the JVM's default trust store,
 * for the AWS SDK's HTTP client. Certificates and host names are still verified: only the set of trusted roots
 * changes.
 */
public final class PemTrust {
  private PemTrust() {}

  /**
   * Trust managers trusting exactly the certificates in {@code pemFile}.
   *
   * @param setting the config key that named the file, for the error
   * @throws ConfigException if the file cannot be read or holds no certificate
   */
  public static TrustManager[] trustManagers(String setting, Path pemFile) {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) throw new ConfigException(setting, "no PEM certificate in " + pemFile);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) ks.setCertificateEntry("ca-" + i++, c);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(setting, "cannot read certificates from " + pemFile + ": " + e.getMessage());
    }
  }

  /** Checks at start-up that {@code file} (when set) is a readable file. */
  public static void requireReadable(String setting, String file) {
    if (file == null || file.isBlank()) return;
    if (!Files.isReadable(Path.of(file))) throw new ConfigException(setting, "cannot read " + file);
  }
}
