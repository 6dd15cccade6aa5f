package io.ipchls.gateway.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  @Test
  void digest_rfc2617Example_givesItsResponse() {
    // RFC 2617 §3.5: the published request and its response digest
    Authenticator a = new Authenticator(new Credentials("Mufasa", "Circle Of Life"), () -> "0a4f113b");
    assertTrue(a.challenge(List.of("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
        + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")));
    String h = a.authorization("GET", "/dir/index.html");
    assertTrue(h.contains("response=\"6629fae49393a05397450978507c4ef1\""), h);
    assertTrue(h.contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\""), h);
    assertTrue(h.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), h);
    assertTrue(a.authorization("GET", "/dir/index.html").contains("nc=00000002"));
  }

  @Test
  void digest_withoutQop_rfc2069Form() {
    Authenticator a = new Authenticator(new Credentials("admin", "pw"));
    a.challenge(List.of("Digest realm=\"cam\", nonce=\"abc\""));
    // H(H(admin:cam:pw):abc:H(DESCRIBE:rtsp://h/s))
    String expected = Authenticator.md5(Authenticator.md5("admin:cam:pw") + ":abc:"
        + Authenticator.md5("DESCRIBE:rtsp://h/s"));
    assertEquals("Digest username=\"admin\", realm=\"cam\", nonce=\"abc\", uri=\"rtsp://h/s\", response=\"" + expected
        + "\"", a.authorization("DESCRIBE", "rtsp://h/s"));
  }

  @Test
  void basic_encodesUserAndPassword() {
    Authenticator a = new Authenticator(new Credentials("Aladdin", "open sesame"));
    a.challenge(List.of("Basic realm=\"cam\""));
    assertEquals("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", a.authorization("DESCRIBE", "rtsp://h/"));
  }

  @Test
  void bothOffered_digestPreferred() {
    Authenticator a = new Authenticator(new Credentials("u", "p"));
    a.challenge(List.of("Basic realm=\"x\"", "Digest realm=\"x\", nonce=\"n\""));
    assertTrue(a.authorization("OPTIONS", "rtsp://h/").startsWith("Digest "));
  }

  @Test
  void secondChallenge_noRetryUnlessStale() {
    Authenticator a = new Authenticator(new Credentials("u", "p"));
    assertTrue(a.challenge(List.of("Digest realm=\"x\", nonce=\"n1\"")));
    assertFalse(a.challenge(List.of("Digest realm=\"x\", nonce=\"n2\"")), "wrong password: do not retry");
    assertTrue(a.challenge(List.of("Digest realm=\"x\", nonce=\"n3\", stale=true")), "expired nonce: retry");
  }

  @Test
  void beforeChallenge_noHeader() {
    assertNull(new Authenticator(new Credentials("u", "p")).authorization("OPTIONS", "rtsp://h/"));
  }

  @Test
  void unsupportedScheme_refused() {
    Authenticator a = new Authenticator(new Credentials("u", "p"));
    var e = assertThrows(IllegalArgumentException.class,
        () -> a.challenge(List.of("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-256")));
    assertTrue(e.getMessage().startsWith("the camera offers no supported authentication"), e.getMessage());
  }

  @Test
  void params_quotedCommasAndEscapes() {
    assertEquals("a, \"b\"", Authenticator.params(" realm=\"a, \\\"b\\\"\", nonce=x").get("realm"));
  }
}
