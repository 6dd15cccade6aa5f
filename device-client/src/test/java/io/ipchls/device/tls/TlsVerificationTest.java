package io.ipchls.device.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.Camera;
import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.upload.StaticCredentialSource;
import io.ipchls.device.upload.StorageCredentials;
import io.ipchls.infra.Await;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.KeyLookup;
import io.ipchls.infra.LocalCa;
import io.ipchls.infra.S3Options;
import io.ipchls.infra.ServerTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A camera given a CA verifies the broker (MQTT over TLS) and the store (HTTPS) against it, on the real embedded
 * HiveMQ and S3Proxy: it streams to servers whose certificate that CA issued for the address it connects to, and
 * refuses, with an error that says so, a server whose certificate is signed by another CA, expired, self-signed, or
 * issued for another host; then the broker never sees its CONNECT and nothing reaches the bucket.
 */
@Tag("own-brokers") // starts brokers of its own: a JVM of its own (device-client/pom.xml)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TlsVerificationTest {
  private static final String HOST = "127.0.0.1";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String BUCKET = "tls-bucket";
  @TempDir Path dir;

  /** What is wrong with the server's certificate. */
  enum Flaw {
    OTHER_CA, EXPIRED, SELF_SIGNED, WRONG_HOST
  }

  @Test
  void certificateOfTheTrustedCa_forTheHostConnectedTo_isAccepted_cameraConnectsAndUploads() throws Exception {
    LocalCa ca = LocalCa.loadOrCreate(dir.resolve("ca"));
    try (Servers servers = Servers.start(dir, ca.serverTls("server", List.of(HOST)))) {
      Camera mqtt = mqttCamera("tls-good", servers, ca.certificateFile());
      Camera upload = uploadingCamera("tls-good", servers, ca.certificateFile());
      try (FrameFeeder feeder = feed(mqtt, upload)) {
        Await.until("the camera logs in over TLS", WAIT, () -> servers.logins, l -> l.contains("tls-good"));
        Await.until("a segment in the bucket over HTTPS", WAIT, servers::objects, n -> n >= 1);
      } finally {
        mqtt.close();
        upload.close();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Flaw.class)
  void flawedServerCertificate_isRefused_nothingPublishedOrUploaded(Flaw flaw) throws Exception {
    LocalCa trusted = LocalCa.loadOrCreate(dir.resolve("ca"));
    Instant now = Instant.now();
    ServerTls tls = switch (flaw) {
      case OTHER_CA -> LocalCa.create(dir.resolve("other-ca"), "another CA", now.minusSeconds(3600),
          now.plus(Duration.ofDays(30))).serverTls("server", List.of(HOST));
      case EXPIRED -> trusted.issue("server", List.of(HOST), now.minus(Duration.ofDays(30)),
          now.minus(Duration.ofDays(1)));
      case SELF_SIGNED -> LocalCa.selfSigned(dir.resolve("self"), "server", List.of(HOST));
      case WRONG_HOST -> trusted.issue("server", List.of("cloud.example.com"), now.minusSeconds(3600),
          now.plus(Duration.ofDays(30)));
    };
    try (Servers servers = Servers.start(dir, tls)) {
      String id = "tls-" + flaw.name().toLowerCase().replace('_', '-');
      Camera mqtt = mqttCamera(id, servers, trusted.certificateFile());
      Camera upload = uploadingCamera(id, servers, trusted.certificateFile());
      try (FrameFeeder feeder = feed(mqtt, upload)) {
        String mqttError = Await.until("the camera refuses the broker", WAIT, () -> mqtt.metrics().lastError(),
            e -> e != null);
        String s3Error = Await.until("the camera refuses the store", WAIT, () -> upload.metrics().lastError(),
            e -> e != null);
        assertTrue(mqttError.startsWith("TLS: the broker's certificate was refused: "), mqttError);
        assertTrue(s3Error.startsWith("upload failed: TLS: the store's certificate was refused: "), s3Error);
        String reason = switch (flaw) {
          case OTHER_CA, SELF_SIGNED -> "unable to find valid certification path";
          case EXPIRED -> "NotAfter";
          case WRONG_HOST -> "No subject alternative names matching IP address 127.0.0.1";
        };
        assertTrue(mqttError.contains(reason) && s3Error.contains(reason), mqttError + "\n" + s3Error);
        assertEquals(Set.of(), servers.logins, "the broker never saw a CONNECT");
        assertEquals(0, upload.metrics().segmentsUploaded());
      } finally {
        mqtt.close();
        upload.close();
      }
      assertEquals(0, servers.objects(), "nothing reached the bucket");
    }
  }

  private static FrameFeeder feed(Camera mqtt, Camera upload) {
    mqtt.start();
    upload.start();
    return new FrameFeeder(/* width= */ 160, /* height= */ 96, /* fps= */ 10, /* gopFrames= */ 10, f -> {
      mqtt.putFrame(f);
      upload.putFrame(f);
    }).start();
  }

  /** MQTT mode: connects to the broker over TLS trusting {@code caFile}. */
  private static Camera mqttCamera(String id, Servers servers, Path caFile) {
    return Camera.builder().cameraId(id).secret("secret").mqtt(HOST, servers.broker.port()).mqttTls(true)
        .trustedCa(caFile).segmentSeconds(1).drainMillis(0).build();
  }

  /** Static credentials mode: uploads to the store over HTTPS trusting {@code caFile}. */
  private static Camera uploadingCamera(String id, Servers servers, Path caFile) {
    StaticCredentialSource source = new StaticCredentialSource();
    source.set(new StorageCredentials("ROOTKEY", "rootsecret", null, servers.s3.endpoint(), servers.s3.region(),
        BUCKET, id, true, System.currentTimeMillis() + 3_600_000));
    return Camera.builder().cameraId(id).credentials(source).trustedCa(caFile).segmentSeconds(1).drainMillis(0)
        .build();
  }

  /** The embedded broker and S3 server, both on TLS with {@code tls}; the broker records who logged in. */
  private record Servers(EmbeddedBroker broker, EmbeddedS3 s3, Path bucketDir, Set<String> logins)
      implements AutoCloseable {
    static Servers start(Path dir, ServerTls tls) {
      Set<String> logins = ConcurrentHashMap.newKeySet();
      BrokerAuth auth = (clientId, username, password) -> {
        logins.add(clientId);
        return CompletableFuture.completedFuture(AuthDecision.allowCamera(clientId));
      };
      EmbeddedBroker broker = EmbeddedBroker.start(new BrokerOptions(dir.resolve("mqtt"), HOST, 0, auth, tls, -1));
      try {
        EmbeddedS3 s3 = EmbeddedS3.start(new S3Options(dir.resolve("s3"), HOST, 0, BUCKET, null, "ROOTKEY",
            "rootsecret", KeyLookup.none(), tls));
        return new Servers(broker, s3, dir.resolve("s3").resolve(BUCKET), logins);
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
    }

    long objects() {
      try (Stream<Path> files = Files.walk(bucketDir)) {
        return files.filter(Files::isRegularFile).count();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      s3.close();
      broker.close();
    }
  }
}
