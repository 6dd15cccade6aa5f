package io.ipchls.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A server's TLS identity as PEM files: its certificate ({@code certFile}), its private key ({@code keyFile}, PKCS#8)
 * and the certificate its clients trust ({@code trustFile}: the CA's, or the server's own when self-signed).
 */
public record ServerTls(Path certFile, Path keyFile, Path trustFile) {
  public ServerTls {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(trustFile, "trustFile");
  }

  /** A PKCS#12 key store and its password, for servers that read only key stores (HiveMQ, S3Proxy's Jetty). */
  public record KeyStoreFile(Path file, String password) {
    @Override
    public String toString() {
      return "KeyStoreFile[" + file + "]";
    }
  }

  /**
   * Writes the key and certificate chain as a PKCS#12 key store at {@code file} (owner read/write only) under a new
   * random password, which lives only in this process: the PEM files stay the one copy kept across restarts.
   */
  public KeyStoreFile writeKeyStore(Path file) {
    try {
      PrivateKey key = Pem.readPrivateKey(keyFile);
      List<X509Certificate> chain = Pem.readCertificates(certFile);
      byte[] raw = new byte[18];
      new SecureRandom().nextBytes(raw);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", key, password.toCharArray(), chain.toArray(X509Certificate[]::new));
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
        ks.store(out, password.toCharArray());
      }
      return new KeyStoreFile(file, password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key store " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the key store " + file, e);
    }
  }
}
