package io.ipchls.launcher;

import io.ipchls.kit.tls.PemTrust;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/** TLS client contexts trusting a CA file (the local CA's {@code ca.pem}); host names are verified as always. */
final class TlsTrust {
  private TlsTrust() {}

  static SSLContext sslContext(Path caFile) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, PemTrust.trustManagers("caFile", caFile), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS context trusting " + caFile, e);
    }
  }
}
