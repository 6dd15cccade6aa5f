package io.ipchls.kit.http;

import io.vertx.ext.web.Router;

/**
 * Every service serves the OpenAPI document of its own HTTP API at {@value #PATH}, unauthenticated and read-only
 * like {@code /health}: it holds no secret, and a client or an operator can read what the running version answers.
 * The document is a classpath resource of the service ({@code openapi/<service>.yaml}); a test per service checks
 * it against the router and against the responses its tests receive, so it cannot drift from the code.
 */
public final class ApiDocument {
  public static final String PATH = "/openapi.yaml";
  /** RFC 9512's media type for YAML. */
  static final String CONTENT_TYPE = "application/yaml";

  private ApiDocument() {}

  /** Adds {@code GET /openapi.yaml}, answering the classpath resource {@code resource}. */
  public static void mount(Router router, String resource) {
    router.get(PATH).handler(ctx -> ctx.vertx().fileSystem().readFile(resource)
        .onSuccess(yaml -> Routes.end(ctx.response().putHeader("content-type", CONTENT_TYPE), yaml))
        .onFailure(ctx::fail));
  }
}
