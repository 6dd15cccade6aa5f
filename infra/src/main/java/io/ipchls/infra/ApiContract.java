package io.ipchls.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Test support: a service's OpenAPI document (the one it serves at {@code /openapi.yaml}) held against the service's
 * router and against the responses a test receives, so that a document which drifts from the code fails the build.
 *
 * <p>Routes are compared as {@code "METHOD /path/{param}"}. Of the router's routes, those without a method (filters
 * such as authentication and body handlers, the JSON 404 fallback, failure handlers) are not endpoints and are
 * skipped; sub-routers are followed under their mount point; a path ending in {@code *} is either a static file tree
 * the test names (the web player) or an endpoint whose rest of the path is one documented parameter.
 *
 * <p>Responses are validated by vertx-openapi's {@link ResponseValidator}: the status must be documented for the
 * operation, and a JSON body must match the documented schema. The validator refuses contracts with media types other
 * than JSON and a few more, and cannot validate a text body (5.0.8), so other bodies (Prometheus text, playlists,
 * segments, the YAML document itself) are checked here by status and documented media type, and the validator gets a
 * copy of the document with JSON bodies only.
 */
public final class ApiContract {
  private static final long WAIT_MS = 30_000;
  private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

  private final JsonObject document;
  private final OpenAPIContract contract;
  private final ResponseValidator validator;

  private ApiContract(JsonObject document, OpenAPIContract contract, ResponseValidator validator) {
    this.document = document;
    this.contract = contract;
    this.validator = validator;
  }

  /** Reads the classpath resource (YAML) on the calling thread, which must not be an event loop. */
  public static ApiContract load(Vertx vertx, String resource) {
    JsonObject document = Yaml.toJson(vertx.fileSystem().readFileBlocking(resource).toString());
    OpenAPIContract contract = await(OpenAPIContract.from(vertx, withValidatableBodiesOnly(document)));
    return new ApiContract(document, contract, ResponseValidator.create(vertx, contract));
  }

  /**
   * The deployed verticle of that type on {@code vertx} (the services deploy their HTTP verticle themselves; this is
   * how a test reaches its router). Reads Vert.x's deployment list from {@code io.vertx.core.internal}: the public API
   * has no way from a deployment to its verticle.
   */
  public static <T> T deployed(Vertx vertx, Class<T> type) {
    return ((VertxInternal) vertx).deploymentManager().deployments().stream()
        .flatMap(d -> d.deployment().instances().stream())
        .filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " deployed"));
  }

  /** Every documented operation as {@code "METHOD /path"}. */
  public Set<String> documentedRoutes() {
    Set<String> routes = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) routes.add(method.toUpperCase() + " " + path);
      }
    }
    return routes;
  }

  /**
   * Every endpoint of the router as {@code "METHOD /path/{param}"}. {@code staticTrees} are the mount paths of static
   * file handlers (e.g. {@code "/"} for {@code /*}); any other path ending in {@code *} has its rest documented as the
   * path parameter {@code wildcardName}.
   */
  public static Set<String> routesOf(Router router, String wildcardName, Set<String> staticTrees) {
    Set<String> routes = new TreeSet<>();
    collect(router, "", wildcardName, staticTrees, routes);
    return routes;
  }

  private static void collect(Router router, String prefix, String wildcardName, Set<String> staticTrees,
      Set<String> out) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), prefix + stripSlash(path), wildcardName, staticTrees, out);
        continue;
      }
      if (path == null || route.methods() == null || route.methods().isEmpty()) continue;
      String full = prefix + PATH_PARAM.matcher(path).replaceAll("{$1}");
      if (!route.isExactPath()) {
        if (staticTrees.contains(full)) continue;
        if (wildcardName == null) throw new AssertionError("a wildcard route no test expects: " + full + "*");
        full = full + "{" + wildcardName + "}";
      }
      for (HttpMethod m : route.methods()) out.add(m.name() + " " + full);
    }
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** Asserts that the response to {@code method path} (query string allowed) is one the document describes. */
  public void assertValid(HttpMethod method, String path, HttpResponse<Buffer> response) {
    String plainPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    Operation op = contract.findOperation(plainPath, method);
    if (op == null) throw new AssertionError("not documented: " + method + " " + plainPath);
    check(op, method + " " + plainPath, response);
  }

  /**
   * The same for the operation named {@code operationId}, for a path the document's template cannot match: the rest
   * of a wildcard route (an object key with its {@code /}) is one parameter here, several path segments on the wire.
   */
  public void assertValid(String operationId, HttpResponse<Buffer> response) {
    Operation op = contract.operation(operationId);
    if (op == null) throw new AssertionError("no operation " + operationId);
    check(op, operationId, response);
  }

  private void check(Operation op, String request, HttpResponse<Buffer> response) {
    String where = request + " → " + response.statusCode();
    JsonObject documented = documentedResponse(op, response.statusCode());
    if (documented == null) throw new AssertionError("status not documented: " + where + " " + response.bodyAsString());
    String mediaType = mediaType(response.getHeader("content-type"));
    Buffer body = response.body();
    boolean hasBody = body != null && body.length() > 0;
    JsonObject content = documented.getJsonObject("content", new JsonObject());
    if (hasBody && !content.containsKey(mediaType)) {
      throw new AssertionError("media type " + mediaType + " not documented for " + where + ", only "
          + content.fieldNames());
    }
    ValidatableResponse validatable = hasBody && isJson(mediaType)
        ? ValidatableResponse.create(response.statusCode(), body, mediaType)
        : ValidatableResponse.create(response.statusCode());
    try {
      validator.validate(validatable, op.getOperationId()).await(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (SchemaValidationException e) {
      throw new AssertionError(where + " does not match the document: " + e.getMessage() + " "
          + e.getOutputUnit() + "\nbody: " + response.bodyAsString(), e);
    } catch (Exception e) {
      throw new AssertionError(where + " does not match the document: " + e + "\nbody: " + response.bodyAsString(), e);
    }
  }

  private JsonObject documentedResponse(Operation op, int status) {
    JsonObject responses = document.getJsonObject("paths").getJsonObject(op.getOpenAPIPath())
        .getJsonObject(op.getHttpMethod().name().toLowerCase()).getJsonObject("responses");
    JsonObject response = responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default"));
    if (response != null && response.containsKey("$ref")) {
      String name = response.getString("$ref").substring("#/components/responses/".length());
      return document.getJsonObject("components").getJsonObject("responses").getJsonObject(name);
    }
    return response;
  }

  private static boolean isJson(String mediaType) {
    return mediaType.equals(MediaType.APPLICATION_JSON) || MediaType.isVendorSpecificJson(mediaType);
  }

  private static String mediaType(String contentType) {
    if (contentType == null) return "";
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase();
  }

  /** A copy of the document whose responses keep only the media types the validator understands. */
  private static JsonObject withValidatableBodiesOnly(JsonObject document) {
    JsonObject copy = document.copy();
    List<JsonObject> responses = new ArrayList<>();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) continue;
        JsonObject byStatus = item.getJsonObject(method).getJsonObject("responses", new JsonObject());
        byStatus.fieldNames().forEach(s -> responses.add(byStatus.getJsonObject(s)));
      }
    }
    JsonObject shared = copy.getJsonObject("components", new JsonObject()).getJsonObject("responses");
    if (shared != null) shared.fieldNames().forEach(n -> responses.add(shared.getJsonObject(n)));
    for (JsonObject response : responses) {
      JsonObject content = response.getJsonObject("content");
      if (content == null) continue;
      new ArrayList<>(content.fieldNames()).stream().filter(t -> !isJson(t))
          .forEach(content::remove);
      if (content.isEmpty()) response.remove("content");
    }
    return copy;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      StringBuilder why = new StringBuilder(String.valueOf(e.getMessage()));
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) why.append(" ← ").append(c);
      throw new AssertionError("the OpenAPI document does not load: " + why, e);
    }
  }

  /** YAML to JSON with SnakeYAML (vertx-openapi's own YAML reader): keys become strings, e.g. status codes. */
  private static final class Yaml {
    static JsonObject toJson(String yaml) {
      var loader = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
          new org.yaml.snakeyaml.LoaderOptions()));
      return (JsonObject) convert(loader.load(yaml));
    }

    private static Object convert(Object value) {
      if (value instanceof java.util.Map<?, ?> map) {
        JsonObject o = new JsonObject();
        map.forEach((k, v) -> o.put(String.valueOf(k), convert(v)));
        return o;
      }
      if (value instanceof List<?> list) {
        JsonArray a = new JsonArray();
        list.forEach(v -> a.add(convert(v)));
        return a;
      }
      return value;
    }
  }
}
