package io.ipchls.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate authority of this installation's own: an ECDSA P-256 key pair and a self-signed CA certificate valid
 * {@value #CA_YEARS} years, kept as {@code ca.pem} (public: give it to cameras and clients) and {@code ca.key} (owner
 * read/write only) in one directory, and the server certificates it signs for the embedded servers.
 *
 * <p>Made in Java at first start so that a machine with only a JDK needs no openssl. A CA that is expired or expires
 * within {@link #RENEW_BEFORE} is replaced (clients then need the new {@code ca.pem}); a server certificate is reissued
 * when it nears its end the same way, when the CA changed, or when it does not name the hosts asked for.
 */
public final class LocalCa {
  /** How long the CA is valid. */
  static final int CA_YEARS = 10;
  /**
   * How long a server certificate is valid: 397 days, the longest browsers accept for a server certificate
   * (CA/Browser Forum baseline requirements §6.3.2 as browsers enforce them).
   */
  static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  /** A certificate with less than this left is replaced at start. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Logger LOG = LoggerFactory.getLogger(LocalCa.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final X509Certificate cert;
  private final PrivateKey key;

  private LocalCa(Path dir, X509Certificate cert, PrivateKey key) {
    this.dir = dir;
    this.cert = cert;
    this.key = key;
  }

  /** The CA kept in {@code dir}: loaded, or made (and written) when missing or near its end. */
  public static LocalCa loadOrCreate(Path dir) {
    Path certFile = dir.resolve("ca.pem");
    Path keyFile = dir.resolve("ca.key");
    try {
      if (Files.exists(certFile) && Files.exists(keyFile)) {
        X509Certificate cert = Pem.readCertificates(certFile).get(0);
        if (!nearEnd(cert, Instant.now())) return new LocalCa(dir, cert, Pem.readPrivateKey(keyFile));
        LOG.warn("the local CA in {} expires on {}: making a new one (clients need the new ca.pem)", dir,
            cert.getNotAfter().toInstant());
      }
      return create(dir, "ipc-hls local CA", Instant.now().minus(Duration.ofHours(1)),
          Instant.now().plus(Duration.ofDays(365L * CA_YEARS)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the local CA in " + dir, e);
    }
  }

  /** A new CA valid from {@code notBefore} to {@code notAfter}, written to {@code dir} (replacing any there). */
  public static LocalCa create(Path dir, String commonName, Instant notBefore, Instant notAfter) {
    try {
      Files.createDirectories(dir);
      KeyPair pair = newKeyPair();
      X500Name name = new X500Name("CN=" + commonName + ", O=ipc-hls");
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
          Date.from(notAfter), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(b, pair.getPrivate());
      Pem.writeSecret(dir.resolve("ca.key"), Pem.encode(pair.getPrivate()));
      Pem.write(dir.resolve("ca.pem"), Pem.encode(cert));
      LOG.info("made a local CA in {} valid until {}", dir, notAfter);
      return new LocalCa(dir, cert, pair.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a CA to " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a CA", e);
    }
  }

  /** {@code ca.pem}: the certificate clients trust. */
  public Path certificateFile() {
    return dir.resolve("ca.pem");
  }

  public X509Certificate certificate() {
    return cert;
  }

  /**
   * The server certificate {@code <name>.pem} / {@code <name>.key} in this CA's directory for {@code hosts} (IP
   * addresses and DNS names, put in the subject alternative names): the one there if it is this CA's, names exactly
   * these hosts and is not near its end, else a new one.
   */
  public ServerTls serverTls(String name, List<String> hosts) {
    Path certFile = dir.resolve(name + ".pem");
    Path keyFile = dir.resolve(name + ".key");
    try {
      if (Files.exists(certFile) && Files.exists(keyFile)) {
        X509Certificate current = Pem.readCertificates(certFile).get(0);
        if (!nearEnd(current, Instant.now()) && signedByMe(current) && names(current).equals(sanEntries(hosts))) {
          return new ServerTls(certFile, keyFile, certificateFile());
        }
        LOG.info("renewing the server certificate {}", certFile);
      }
    } catch (IOException | GeneralSecurityException e) {
      LOG.warn("replacing the unreadable server certificate {}: {}", certFile, e.toString());
    }
    Instant now = Instant.now();
    return issue(name, hosts, now.minus(Duration.ofHours(1)), now.plus(SERVER_VALIDITY));
  }

  /** A new server certificate for {@code hosts}, valid from {@code notBefore} to {@code notAfter}, in this directory. */
  public ServerTls issue(String name, List<String> hosts, Instant notBefore, Instant notAfter) {
    try {
      KeyPair pair = newKeyPair();
      X509Certificate server = sign(serverCertificate(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()), pair.getPublic(),
          hosts, notBefore, notAfter).addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(cert)), key);
      return write(dir, name, server, pair.getPrivate(), certificateFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a server certificate to " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a server certificate", e);
    }
  }

  /** A self-signed server certificate for {@code hosts} (no CA), written as {@code <dir>/<name>.pem/.key}. */
  public static ServerTls selfSigned(Path dir, String name, List<String> hosts) {
    try {
      Files.createDirectories(dir);
      KeyPair pair = newKeyPair();
      Instant now = Instant.now();
      X509Certificate server = sign(serverCertificate(new X500Name("CN=" + hosts.get(0)), pair.getPublic(), hosts,
          now.minus(Duration.ofHours(1)), now.plus(SERVER_VALIDITY)), pair.getPrivate());
      return write(dir, name, server, pair.getPrivate(), dir.resolve(name + ".pem"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a server certificate to " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a server certificate", e);
    }
  }

  private static JcaX509v3CertificateBuilder serverCertificate(X500Name issuer, PublicKey subjectKey,
      List<String> hosts, Instant notBefore, Instant notAfter) throws IOException, GeneralSecurityException {
    if (hosts.isEmpty()) throw new IllegalArgumentException("a server certificate needs at least one host");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(),
        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + hosts.get(0) + ", O=ipc-hls"), subjectKey);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sanEntries(hosts).stream()
        .map(e -> new GeneralName(e.type(), e.value())).toArray(GeneralName[]::new)));
    b.addExtension(Extension.subjectKeyIdentifier, false,
        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKey));
    return b;
  }

  private static ServerTls write(Path dir, String name, X509Certificate server, PrivateKey key, Path trust)
      throws IOException {
    Path certFile = dir.resolve(name + ".pem");
    Path keyFile = dir.resolve(name + ".key");
    Pem.writeSecret(keyFile, Pem.encode(key));
    Pem.write(certFile, Pem.encode(server));
    return new ServerTls(certFile, keyFile, trust);
  }

  /** A subject alternative name: an IP address (type 7) or a DNS name (type 2), as in RFC 5280 §4.2.1.6. */
  private record San(int type, String value) {}

  private static List<San> sanEntries(List<String> hosts) {
    List<San> out = new ArrayList<>();
    for (String h : hosts) {
      boolean ip = h.contains(":") || h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
      San e = ip ? new San(GeneralName.iPAddress, canonicalIp(h)) : new San(GeneralName.dNSName, h);
      if (!out.contains(e)) out.add(e);
    }
    return out;
  }

  private static String canonicalIp(String ip) {
    try {
      return InetAddress.getByName(ip).getHostAddress();
    } catch (IOException e) {
      throw new IllegalArgumentException("not an IP address: " + ip);
    }
  }

  private static List<San> names(X509Certificate c) throws GeneralSecurityException {
    List<San> out = new ArrayList<>();
    if (c.getSubjectAlternativeNames() == null) return out;
    for (List<?> n : c.getSubjectAlternativeNames()) {
      int type = (Integer) n.get(0);
      String value = (String) n.get(1);
      out.add(new San(type, type == GeneralName.iPAddress ? canonicalIp(value) : value));
    }
    return out;
  }

  private boolean signedByMe(X509Certificate c) {
    try {
      c.verify(cert.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean nearEnd(X509Certificate c, Instant now) {
    return c.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  /** A positive 127-bit random serial (RFC 5280 §4.1.2.2: positive, at most 20 octets, unique per CA). */
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
    try {
      ContentSigner s = new JcaContentSignerBuilder(SIGNATURE).build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(s));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
