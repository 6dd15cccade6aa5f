package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.protocol.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] BODY = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
  /** python3: hmac.new(b'whsec_test', b'1700000000.{"v":1}', hashlib.sha256).hexdigest() */
  private static final long TOLERANCE_SECONDS = 300;
  private static final String FIXTURE = "sha256=42265a8d94c87e30011ad1a24b449a875c60aeb921c05bbabcbc41385e6d1919";

  @Test
  void sign_matchesAnIndependentHmac() {
    assertEquals(FIXTURE, WebhookSignature.sign("whsec_test", 1_700_000_000L, BODY));
  }

  @Test
  void verify_acceptsTheFixtureWithinTolerance() {
    assertEquals(Verdict.VALID,
        WebhookSignature.verify("whsec_test", "1700000000", FIXTURE, BODY, 1_700_000_299L, TOLERANCE_SECONDS));
  }

  @Test
  void verify_refusesAStaleTimestamp() {
    assertEquals(Verdict.STALE,
        WebhookSignature.verify("whsec_test", "1700000000", FIXTURE, BODY, 1_700_000_301L, TOLERANCE_SECONDS));
  }

  @Test
  void verify_refusesAnotherBodySecretOrTimestamp() {
    byte[] other = "{\"v\":2}".getBytes(StandardCharsets.UTF_8);
    assertEquals(Verdict.MISMATCH,
        WebhookSignature.verify("whsec_test", "1700000000", FIXTURE, other, 1_700_000_000L, TOLERANCE_SECONDS));
    assertEquals(Verdict.MISMATCH,
        WebhookSignature.verify("whsec_other", "1700000000", FIXTURE, BODY, 1_700_000_000L, TOLERANCE_SECONDS));
    assertEquals(Verdict.MISMATCH,
        WebhookSignature.verify("whsec_test", "1700000001", FIXTURE, BODY, 1_700_000_000L, TOLERANCE_SECONDS));
  }

  @Test
  void verify_refusesMissingAndMalformedHeaders() {
    assertEquals(Verdict.MISSING,
        WebhookSignature.verify("whsec_test", null, FIXTURE, BODY, 1_700_000_000L, TOLERANCE_SECONDS));
    assertEquals(Verdict.MISSING,
        WebhookSignature.verify("whsec_test", "1700000000", null, BODY, 1_700_000_000L, TOLERANCE_SECONDS));
    assertEquals(Verdict.MALFORMED,
        WebhookSignature.verify("whsec_test", "soon", FIXTURE, BODY, 1_700_000_000L, TOLERANCE_SECONDS));
    assertEquals(Verdict.MALFORMED,
        WebhookSignature.verify("whsec_test", "1700000000", "md5=00", BODY, 1_700_000_000L, TOLERANCE_SECONDS));
    assertEquals(Verdict.MALFORMED,
        WebhookSignature.verify("whsec_test", "1700000000", "sha256=zz", BODY, 1_700_000_000L, TOLERANCE_SECONDS));
  }
}
