package io.ipchls.kit.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.Date;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The clustered event bus over mutually authenticated TLS, with an identity every member derives from the cluster
 * secret: so that joining the conversation needs the secret, not only the cluster's name.
 *
 * <p>Every member computes the same ECDSA P-256 key pair from the secret (the private scalar is HMAC-SHA256 of the
 * secret over a fixed label, reduced into [1, n−1]) and presents a self-signed certificate for it, as server and as
 * client ({@link ClientAuth#REQUIRED}), and trusts exactly one anchor: the cluster's name with that public key, so a
 * peer's certificate verifies only if it was signed with the key derived from the secret. A process without the
 * secret cannot present the key: the members refuse its connections, and it cannot complete a handshake as the server
 * the members would send to, so it can neither ask nor answer on the event bus. TLS 1.2+ also encrypts what crosses
 * between members.
 *
 * <p>Hazelcast's own member protocol stays without TLS (the open-source edition has none): keep {@code cluster.host}
 * on a network only the members reach; what a joined outsider could read in the maps is sealed ({@link ClusterSeal}).
 */
public final class ClusterTls {
  private static final byte[] LABEL = "ipc-hls event bus key v1".getBytes(StandardCharsets.US_ASCII);
  private static final String CURVE = "secp256r1";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final X509Certificate certificate;

  ClusterTls(byte[] secret) {
    try {
      KeyPair pair = derive(secret);
      this.privateKey = pair.getPrivate();
      this.publicKey = pair.getPublic();
      this.certificate = selfSigned(pair);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot make the event bus identity", e);
    }
  }

  /** {@code options} with TLS on, this identity as key and certificate, and peers pinned to the same key. */
  EventBusOptions apply(EventBusOptions options) {
    return options.setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setKeyValue(Buffer.buffer(pem("PRIVATE KEY", privateKey.getEncoded())))
            .setCertValue(Buffer.buffer(pem("CERTIFICATE", encoded(certificate)))))
        // the trust anchor is the cluster's own name and key: a peer certificate verifies only if that key signed it,
        // so only a holder of the secret. PEM options, because the clustered event bus copies its options as JSON,
        // which would drop a trust manager object.
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pem("CERTIFICATE", encoded(certificate)))));
  }

  /** The public key every member of this cluster presents. */
  PublicKey publicKey() {
    return publicKey;
  }

  private static KeyPair derive(byte[] secret) throws GeneralSecurityException {
    X9ECParameters curve = ECNamedCurveTable.getByName(CURVE);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    BigInteger n = curve.getN();
    BigInteger d = new BigInteger(1, mac.doFinal(LABEL)).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    ECPoint q = curve.getG().multiply(d).normalize();
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec(CURVE));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    KeyFactory keys = KeyFactory.getInstance("EC");
    PublicKey pub = keys.generatePublic(new ECPublicKeySpec(new java.security.spec.ECPoint(
        q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec));
    return new KeyPair(pub, keys.generatePrivate(new ECPrivateKeySpec(d, spec)));
  }

  private static X509Certificate selfSigned(KeyPair pair)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
    X500Name name = new X500Name("CN=ipc-hls cluster member");
    // fixed dates: pinning by key makes them irrelevant, and a member never has to renew anything
    Date from = new Date(946_684_800_000L); // 2000-01-01
    Date to = new Date(4_102_444_800_000L); // 2100-01-01
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from, to, name, pair.getPublic());
    try {
      // its own trust anchor (a CA to the JDK's PKIX checks) and a TLS server and client certificate (RFC 5280 §4.2)
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    } catch (org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException(e);
    }
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
  }

  private static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
