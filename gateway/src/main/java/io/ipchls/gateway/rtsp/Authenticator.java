package io.ipchls.gateway.rtsp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers a camera's 401 challenge (RFC 7826 §19, RFC 2617 / RFC 7616): Digest with MD5 (and {@code qop=auth} when
 * offered) is preferred over Basic when a camera offers both. Once a challenge is known every request carries an
 * Authorization header computed for its method and URL; Digest's nonce count increases with each request.
 */
final class Authenticator {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Credentials credentials;
  private String scheme;
  private Map<String, String> challenge = Map.of();
  private int nonceCount;

  private final Supplier<String> cnonces;

  Authenticator(Credentials credentials) {
    this(credentials, Authenticator::randomNonce);
  }

  /** With chosen client nonces, for tests against published examples. */
  Authenticator(Credentials credentials, Supplier<String> cnonces) {
    this.credentials = credentials;
    this.cnonces = cnonces;
  }

  /** True once a challenge has been accepted, i.e. requests carry credentials. */
  boolean active() {
    return scheme != null;
  }

  /**
   * Takes the WWW-Authenticate headers of a 401.
   *
   * @return true when the challenge is new information worth a retry: the first challenge, or Digest's
   *     {@code stale=true} (RFC 7616 §3.3: the nonce expired, the password was right)
   * @throws IllegalArgumentException when no supported scheme is offered
   */
  synchronized boolean challenge(List<String> wwwAuthenticate) {
    Map<String, String> digest = null;
    boolean basic = false;
    for (String h : wwwAuthenticate) {
      String lower = h.trim().toLowerCase(Locale.ROOT);
      if (lower.startsWith("digest")) {
        Map<String, String> p = params(h.trim().substring(6));
        String algorithm = p.getOrDefault("algorithm", "MD5");
        if (algorithm.equalsIgnoreCase("MD5")) digest = p;
      } else if (lower.startsWith("basic")) {
        basic = true;
      }
    }
    boolean first = scheme == null;
    if (digest != null) {
      boolean stale = "true".equalsIgnoreCase(digest.get("stale"));
      scheme = "Digest";
      challenge = digest;
      nonceCount = 0;
      return first || stale;
    }
    if (basic) {
      scheme = "Basic";
      return first;
    }
    throw new IllegalArgumentException("the camera offers no supported authentication (Basic, Digest MD5): "
        + wwwAuthenticate);
  }

  /** The Authorization header for a request, or null before any challenge. */
  synchronized String authorization(String method, String uri) {
    if (scheme == null) return null;
    if (scheme.equals("Basic")) {
      return "Basic " + Base64.getEncoder().encodeToString(
          (credentials.user() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
    }
    String realm = challenge.getOrDefault("realm", "");
    String nonce = challenge.getOrDefault("nonce", "");
    String ha1 = md5(credentials.user() + ":" + realm + ":" + credentials.password());
    String ha2 = md5(method + ":" + uri);
    StringBuilder h = new StringBuilder("Digest username=\"").append(credentials.user())
        .append("\", realm=\"").append(realm).append("\", nonce=\"").append(nonce)
        .append("\", uri=\"").append(uri).append('"');
    String qop = challenge.get("qop");
    if (qop != null && List.of(qop.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains("auth")) {
      String nc = String.format("%08x", ++nonceCount);
      String cnonce = cnonces.get();
      // RFC 7616 §3.4.1: response = H(H(A1):nonce:nc:cnonce:qop:H(A2))
      h.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2))
          .append("\", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
    } else {
      // RFC 2617 §3.2.2.1 without qop: response = H(H(A1):nonce:H(A2))
      h.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ha2)).append('"');
    }
    if (challenge.containsKey("opaque")) h.append(", opaque=\"").append(challenge.get("opaque")).append('"');
    if (challenge.containsKey("algorithm")) h.append(", algorithm=").append(challenge.get("algorithm"));
    return h.toString();
  }

  /** The auth-params of a challenge: {@code name=value} or {@code name="quoted, value"}, comma-separated. */
  static Map<String, String> params(String s) {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) i++;
      int eq = s.indexOf('=', i);
      if (eq < 0) break;
      String name = s.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      i = eq + 1;
      String value;
      if (i < n && s.charAt(i) == '"') {
        StringBuilder v = new StringBuilder();
        i++;
        while (i < n && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < n) i++;
          v.append(s.charAt(i++));
        }
        i++;
        value = v.toString();
      } else {
        int comma = s.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        value = s.substring(i, end).trim();
        i = end;
      }
      out.put(name, value);
    }
    return out;
  }

  private static String randomNonce() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static String md5(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
