package io.ipchls.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.ipchls.protocol.CameraIds;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /cameras/{id}/trigger} with {@code Authorization: Bearer <controlToken>}: an event now for a camera
 * recorded event-only (a door contact, an alarm panel, a script on the gateway's host). Answers 202 when the
 * camera's SDK took the trigger, and with a JSON {@code {"error": ...}} otherwise: 403 when the config has no
 * {@code controlToken}, 401 for a missing or wrong token, 404 for an unknown path or camera, 405 for another method,
 * 409 when the camera is not streaming (no session: nothing to record).
 */
final class TriggerRoute implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUFFIX = "/trigger";
  private final byte[] token;
  private final Function<String, Gateway.TriggerResult> trigger;

  TriggerRoute(String controlToken, Function<String, Gateway.TriggerResult> trigger) {
    this.token = controlToken == null ? null : controlToken.getBytes(StandardCharsets.UTF_8);
    this.trigger = trigger;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String id = path.endsWith(SUFFIX) ? path.substring("/cameras/".length(), path.length() - SUFFIX.length()) : "";
      if (!CameraIds.isValid(id)) {
        error(ex, 404, "no such route");
      } else if (!ex.getRequestMethod().equals("POST")) {
        ex.getResponseHeaders().set("Allow", "POST");
        error(ex, 405, "use POST");
      } else if (token == null) {
        error(ex, 403, "control routes are off: set controlToken in the gateway's config");
      } else if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        error(ex, 401, "a bearer token (the config's controlToken) is required");
      } else {
        answer(ex, id, trigger.apply(id));
      }
    }
  }

  private static void answer(HttpExchange ex, String id, Gateway.TriggerResult result) throws IOException {
    switch (result) {
      case TRIGGERED -> write(ex, 202, new Triggered(id, true));
      case NOT_STREAMING -> error(ex, 409, "camera " + id + " is not streaming: nothing to record");
      case UNKNOWN_CAMERA -> error(ex, 404, "no camera " + id + " in the gateway's config");
    }
  }

  /** The 202 body. */
  record Triggered(String camera, boolean triggered) {}

  /** Constant-time comparison: the time of a refusal says nothing about the token. */
  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) return false;
    return MessageDigest.isEqual(token, header.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8));
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    write(ex, status, Map.of("error", message));
  }

  private static void write(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
