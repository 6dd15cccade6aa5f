package io.ipchls.infra;

import static io.ipchls.infra.EmbeddedBrokerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.protocol.StorageKeyGrant;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalStackTest {
  private final LocalStack stack = LocalStack.sharedForTests();

  @AfterEach
  void restoreDefaults() {
    stack.useBrokerAuth(null);
    stack.useKeyLookup(null);
  }

  @Test
  void sharedForTests_isOneRunningStackPerJvm() throws Exception {
    assertSame(stack, LocalStack.sharedForTests());
    try (Connection c = DriverManager.getConnection(stack.postgres().jdbcUrl(), stack.postgres().user(),
        stack.postgres().password());
        ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
      assertTrue(rs.next());
      assertEquals("ipchls", rs.getString(1));
    }
  }

  @Test
  void broker_allowsAnyoneByDefault_andObeysAnInstalledBrokerAuth(Vertx vertx) throws Exception {
    MqttClient anyone = mqtt(vertx, "svc-any", "nobody");
    await(anyone.connect(stack.broker().port(), stack.broker().host()));
    await(anyone.disconnect());

    stack.useBrokerAuth((id, user, pw) -> CompletableFuture.completedFuture(AuthDecision.deny("test")));
    MqttClient refused = mqtt(vertx, "svc-any", "nobody");
    assertThrows(ExecutionException.class,
        () -> await(refused.connect(stack.broker().port(), stack.broker().host())));
  }

  @Test
  void s3_acceptsTheRootKey_andAnInstalledKeyLookup() {
    LocalStack.Options o = stack.options();
    stack.useKeyLookup(id -> id.equals("tmp-stack") ? Optional.of(new StorageKeyGrant("cam-s", "s", o.bucket(),
        "cam-s", System.currentTimeMillis() + 60_000)) : Optional.empty());
    try (S3Client root = EmbeddedS3Test.client(stack.s3(), AwsBasicCredentials.create(o.s3AccessKey(),
        o.s3SecretKey()));
        S3Client temp = EmbeddedS3Test.client(stack.s3(), AwsBasicCredentials.create("tmp-stack", "s"))) {
      temp.putObject(b -> b.bucket(o.bucket()).key("cam-s/seg.ts"), RequestBody.fromString("seg"));
      assertEquals("seg", root.getObjectAsBytes(b -> b.bucket(o.bucket()).key("cam-s/seg.ts")).asUtf8String());
    }
  }

  private static MqttClient mqtt(Vertx vertx, String clientId, String user) {
    return MqttClient.create(vertx, new MqttClientOptions().setClientId(clientId).setUsername(user)
        .setPassword("x"));
  }
}
