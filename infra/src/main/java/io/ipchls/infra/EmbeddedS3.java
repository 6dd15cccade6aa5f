package io.ipchls.infra;

import io.ipchls.protocol.StorageKeyGrant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.BlobStoreLocator;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server (S3Proxy over a filesystem store) at {@code http://127.0.0.1:<port>}, or
 * {@code https://} with the server certificate of {@link S3Options#tls()} (then no plain listener), path-style, with
 * AWS SigV4 (and V2) authentication:
 *
 * <ul>
 *   <li>the root key pair has full access;
 *   <li>any other access key id is looked up through {@link KeyLookup}: its grant may only PutObject (or upload
 *       multipart) keys in normal form under {@code grant.bucket()/grant.prefix()/} while it is live. Everything
 *       else is 403 AccessDenied; an unknown key is 403 InvalidAccessKeyId.
 * </ul>
 *
 * <p>Objects live in {@code <dataDir>/<bucket>/<key>} and survive restarts, and each write is on the disk before it
 * is answered ({@link DurableWrites}), so also a host crash. Session tokens
 * ({@code x-amz-security-token}) are accepted and ignored.
 */
public final class EmbeddedS3 implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

  private final S3Proxy proxy;
  private final BlobStore store;
  private final URI endpoint;
  private final String bucket;
  private final String region;

  private EmbeddedS3(S3Proxy proxy, BlobStore store, URI endpoint, String bucket, String region) {
    this.proxy = proxy;
    this.store = store;
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.region = region;
  }

  /**
   * Starts the server and creates the bucket if missing.
   *
   * @throws IllegalStateException if the server cannot start
   */
  public static EmbeddedS3 start(S3Options options) {
    Path root = options.dataDir().toAbsolutePath();
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + root, e);
    }
    BlobStore store = DurableWrites.wrap(new FilesystemNio2BlobStore(root.toString()), root);
    if (!store.containerExists(options.bucket())) store.createContainer(options.bucket());
    S3Proxy.Builder builder = S3Proxy.builder();
    if (options.tls() == null) {
      builder.endpoint(URI.create("http://" + options.host() + ":" + options.port()));
    } else {
      ServerTls.KeyStoreFile ks = options.tls().writeKeyStore(root.resolveSibling(root.getFileName() + "-tls.p12"));
      builder.secureEndpoint(URI.create("https://" + options.host() + ":" + options.port()))
          .keyStore(ks.file().toString(), ks.password());
    }
    S3Proxy proxy = builder
        .blobStore(store)
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, options.rootAccessKey(), options.rootSecretKey())
        // Else headers such as x-amz-security-token (sent with session credentials) get 501 NotImplemented.
        .ignoreUnknownHeaders(true)
        // Jetty waits this long for open (keep-alive) connections on stop; the default is 30 s.
        .stopTimeout(1000)
        // The web player (another origin) fetches segments by presigned GET; the signature, not CORS, guards them.
        .corsRules(new CrossOriginResourceSharing(List.of("*"), List.of("GET", "HEAD"), List.of("*"),
            List.of("Content-Length", "Content-Range", "ETag"), "false"))
        .build();
    proxy.setBlobStoreLocator(new Locator(options, store));
    ReadBodyFirst.install(proxy);
    try {
      proxy.start();
    } catch (Exception e) {
      stopQuietly(proxy);
      throw new IllegalStateException("S3 server did not start on " + options.host() + ":" + options.port(), e);
    }
    URI endpoint = options.tls() == null ? URI.create("http://" + options.host() + ":" + proxy.getPort())
        : URI.create("https://" + options.host() + ":" + proxy.getSecurePort());
    LOG.info("S3 server at {} with bucket {} in {}", endpoint, options.bucket(), root);
    return new EmbeddedS3(proxy, store, endpoint, options.bucket(), options.region());
  }

  /** Maps the request's access key id to its secret and to what it may do. */
  private record Locator(S3Options options, BlobStore store) implements BlobStoreLocator {
    @Override
    public AccessGrant locateBlobStore(String identity, String container, String blob) {
      if (identity == null) return null;
      if (identity.equals(options.rootAccessKey())) return new AccessGrant(options.rootSecretKey(), store);
      Optional<StorageKeyGrant> grant;
      try {
        grant = options.keys().find(identity);
      } catch (RuntimeException e) {
        LOG.warn("S3 key lookup failed for {}", identity, e);
        return null;
      }
      if (grant.isEmpty()) {
        LOG.info("S3 request refused: unknown access key {} for {}/{}", identity, container, blob);
        return null;
      }
      return new AccessGrant(grant.get().secretAccessKey(),
          new GrantBlobStore(store, grant.get(), System::currentTimeMillis));
    }
  }

  /** {@code http(s)://<host>:<port>}; use path-style addressing. */
  public URI endpoint() {
    return endpoint;
  }

  public String bucket() {
    return bucket;
  }

  public String region() {
    return region;
  }

  @Override
  public void close() {
    stopQuietly(proxy);
    store.close();
  }

  private static void stopQuietly(S3Proxy proxy) {
    try {
      proxy.stop();
    } catch (TimeoutException e) {
      // Jetty's graceful stop gave up on idle keep-alive connections; the server is stopped anyway.
      LOG.debug("S3 server closed connections that were still open", e);
    } catch (Exception e) {
      LOG.warn("S3 server did not stop cleanly", e);
    }
  }
}
