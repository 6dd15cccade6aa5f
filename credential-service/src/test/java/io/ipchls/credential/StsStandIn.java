package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for AWS STS (which cannot run here): an HTTP server that accepts only the request shape of a SigV4-signed
 * {@code AssumeRole} (form body, {@code Action}, {@code Version}, {@code RoleArn}, {@code RoleSessionName},
 * {@code DurationSeconds}, {@code Policy}; an {@code AWS4-HMAC-SHA256} Authorization for the configured key and the
 * {@code sts} service) and answers with STS's XML. It does not check the signature's value (it would have to be STS),
 * so the SDK's signing is trusted; everything else is checked and recorded. A session name containing "denied" gets
 * STS's AccessDenied error.
 */
final class StsStandIn implements AutoCloseable {
  static final String ACCESS_KEY_ID = "ASIASTANDINKEY000001";
  static final String SECRET_ACCESS_KEY = "stand-in-secret-access-key";
  static final String SESSION_TOKEN = "stand-in-session-token";

  /** One received AssumeRole call. */
  record Call(MultiMap form, String authorization) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  private final String expectedKeyId;
  private final HttpServer server;

  StsStandIn(Vertx vertx, String expectedKeyId) {
    this.expectedKeyId = expectedKeyId;
    this.server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      MultiMap form = parseForm(body.toString(StandardCharsets.UTF_8));
      String auth = req.getHeader("Authorization");
      String problem = problem(req, form, auth);
      if (problem != null) {
        rejected.add(problem);
        error(req, 400, "InvalidRequest", problem);
      } else if (form.get("RoleSessionName").contains("denied")) {
        calls.add(new Call(form, auth));
        error(req, 403, "AccessDenied", "not authorized to perform sts:AssumeRole");
      } else {
        calls.add(new Call(form, auth));
        req.response().putHeader("content-type", "text/xml").end(success(form));
      }
    });
  }

  private String problem(HttpServerRequest req, MultiMap form, String auth) {
    if (!"POST".equals(req.method().name())) return "method " + req.method();
    if (!"AssumeRole".equals(form.get("Action"))) return "Action " + form.get("Action");
    if (!"2011-06-15".equals(form.get("Version"))) return "Version " + form.get("Version");
    for (String p : List.of("RoleArn", "RoleSessionName", "DurationSeconds", "Policy")) {
      if (form.get(p) == null || form.get(p).isBlank()) return "missing " + p;
    }
    if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=" + expectedKeyId + "/")
        || !auth.contains("/sts/aws4_request") || !auth.contains("Signature=")) {
      return "not a SigV4 Authorization for " + expectedKeyId + " and sts: " + auth;
    }
    return null;
  }

  private static String success(MultiMap form) {
    Instant expires = Instant.now().plusSeconds(Long.parseLong(form.get("DurationSeconds")));
    return """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>%s</AccessKeyId>
              <SecretAccessKey>%s</SecretAccessKey>
              <SessionToken>%s</SessionToken>
              <Expiration>%s</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <Arn>%s/%s</Arn>
              <AssumedRoleId>AROASTANDIN:%s</AssumedRoleId>
            </AssumedRoleUser>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>stand-in-1</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """.formatted(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, expires, form.get("RoleArn"),
        form.get("RoleSessionName"), form.get("RoleSessionName"));
  }

  private static void error(HttpServerRequest req, int status, String code, String message) {
    req.response().setStatusCode(status).putHeader("content-type", "text/xml").end("""
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
          <RequestId>stand-in-error</RequestId>
        </ErrorResponse>
        """.formatted(code, message.replace("<", "&lt;")));
  }

  private static MultiMap parseForm(String body) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      form.add(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return form;
  }

  @Override
  public void close() {
    await(server.close());
  }
}
