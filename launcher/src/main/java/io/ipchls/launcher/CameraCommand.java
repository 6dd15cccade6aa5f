package io.ipchls.launcher;

import io.ipchls.protocol.AccountIds;
import io.ipchls.protocol.CameraIds;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./ipc-hls camera ...}: the camera registry from the command line, through credential-service's admin HTTP
 * API. Prints the API's JSON; exits 1 with the API's error message when a call is refused.
 */
@Command(name = "camera", mixinStandardHelpOptions = true,
    description = "Manage cameras in credential-service's registry (admin API).",
    subcommands = {CameraCommand.Add.class, CameraCommand.List.class, CameraCommand.Get.class,
        CameraCommand.Enable.class, CameraCommand.Disable.class, CameraCommand.RotateSecret.class,
        CameraCommand.SetAccount.class, CameraCommand.Delete.class})
final class CameraCommand {
  private static final String CAMERAS = "/api/v1/cameras";

  /** Where the admin API is and the token for it; defaults fit a local {@code ./ipc-hls demo}. */
  static final class Target {
    @Option(names = "--url", defaultValue = "${env:IPCHLS_ADMIN_URL:-http://127.0.0.1:8081}",
        description = "credential-service base URL (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--token", defaultValue = "${env:IPCHLS_ADMIN_TOKEN}",
        description = "admin token (default: IPCHLS_ADMIN_TOKEN, else adminToken from <data-dir>/secrets.json)")
    String token;

    @Option(names = "--data-dir", defaultValue = "data", description = "the demo's data directory (default: ./data)")
    Path dataDir;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Calls the API; prints the JSON body on success (2xx), the error on stderr otherwise. */
    int call(String method, String path, JsonObject body) throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      HttpResponse<String> r;
      try {
        r = client().send(method, path, body);
      } catch (ConnectException e) {
        err.println("ipc-hls: cannot reach credential-service at " + url + " (is it running? --url)");
        return 1;
      } catch (IOException e) {
        err.println("ipc-hls: " + e.getMessage());
        return 1;
      }
      if (r.statusCode() / 100 != 2) {
        err.println("ipc-hls: " + method + " " + path + " failed with " + r.statusCode() + ": " + message(r.body()));
        return 1;
      }
      if (!r.body().isEmpty()) out.println(new JsonObject(r.body()).encodePrettily());
      return 0;
    }

    /**
     * A client for {@link #url}; over https it trusts the demo's local CA ({@code <data-dir>/tls/ca.pem}) when that
     * file exists, else the JVM's trust store.
     */
    AdminClient client() throws IOException {
      Path ca = dataDir.resolve("tls").resolve("ca.pem");
      return new AdminClient(url, token(), Files.exists(ca) ? ca : null);
    }

    /** The id, once checked: a bad one is a usage error before any call, and can never reach another path. */
    String checkedId(String id) {
      if (!CameraIds.isValid(id)) {
        throw new ParameterException(spec.commandLine(), "camera id must match " + CameraIds.PATTERN.pattern());
      }
      return id;
    }

    /** The account id, once checked (a usage error before any call). */
    String checkedAccount(String id) {
      if (!AccountIds.isValid(id)) {
        throw new ParameterException(spec.commandLine(), "account id must match " + AccountIds.PATTERN.pattern());
      }
      return id;
    }

    /** {@code /api/v1/cameras/<id>}. */
    String cameraPath(String id) {
      return CAMERAS + "/" + checkedId(id);
    }

    String token() throws IOException {
      if (token != null && !token.isBlank()) return token;
      Path file = dataDir.resolve("secrets.json");
      if (!Files.exists(file)) {
        throw new IOException("no admin token: pass --token, set IPCHLS_ADMIN_TOKEN, or point --data-dir at a "
            + "directory with secrets.json (" + file + " does not exist)");
      }
      String t = new JsonObject(Files.readString(file)).getString("adminToken");
      if (t == null || t.isBlank()) throw new IOException(file + " holds no adminToken");
      return t;
    }

    private static String message(String body) {
      try {
        return new JsonObject(body).getString("message", body);
      } catch (RuntimeException e) {
        return body;
      }
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Register a camera; prints its secret, which is shown only this once.")
  static final class Add implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(paramLabel = "ID", description = "camera id: [a-z0-9][a-z0-9_-]{0,62}") String id;
    @Option(names = "--prefix", description = "storage prefix (default: the id)") String prefix;
    @Option(names = "--account", description = "the account the camera belongs to (default: none)") String account;

    @Override
    public Integer call() throws Exception {
      JsonObject body = new JsonObject().put("id", target.checkedId(id));
      if (prefix != null) body.put("prefix", prefix);
      if (account != null) body.put("account", target.checkedAccount(account));
      return target.call("POST", CAMERAS, body);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List cameras in id order, one page.")
  static final class List implements Callable<Integer> {
    @Mixin Target target;
    @Option(names = "--limit", defaultValue = "100", description = "page size, 1..1000") int limit;
    @Option(names = "--after", description = "start after this id (the previous page's \"next\")") String after;
    @Option(names = "--account", description = "only this account's cameras") String account;

    @Override
    public Integer call() throws Exception {
      String query = "?limit=" + limit + (after == null ? "" : "&after=" + target.checkedId(after))
          + (account == null ? "" : "&account=" + target.checkedAccount(account));
      return target.call("GET", CAMERAS + query, null);
    }
  }

  /** A subcommand on one camera: the target options plus the camera id, checked before any call. */
  abstract static class OnCamera implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(paramLabel = "ID", description = "camera id") String id;

    @Override
    public Integer call() throws Exception {
      return run(target.cameraPath(id));
    }

    /** One admin API call on {@code path} = {@code /api/v1/cameras/<id>}. */
    abstract int run(String path) throws Exception;
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one camera.")
  static final class Get extends OnCamera {
    @Override
    int run(String path) throws Exception {
      return target.call("GET", path, null);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Let a camera connect again.")
  static final class Enable extends OnCamera {
    @Override
    int run(String path) throws Exception {
      return target.call("PATCH", path, new JsonObject().put("enabled", true));
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Refuse the camera's logins, close its MQTT session and revoke its live storage keys at once.")
  static final class Disable extends OnCamera {
    @Override
    int run(String path) throws Exception {
      return target.call("PATCH", path, new JsonObject().put("enabled", false));
    }
  }

  @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
      description = "Give the camera a new secret (shown only this once); the old one and its keys stop working.")
  static final class RotateSecret extends OnCamera {
    @Override
    int run(String path) throws Exception {
      return target.call("POST", path + "/secret", null);
    }
  }

  @Command(name = "set-account", mixinStandardHelpOptions = true,
      description = "Move the camera into an account (--account), or out of any (--none).")
  static final class SetAccount extends OnCamera {
    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1") Choice choice;

    static final class Choice {
      @Option(names = "--account", description = "the account to move the camera into") String account;
      @Option(names = "--none", description = "the camera belongs to no account") boolean none;
    }

    @Override
    int run(String path) throws Exception {
      JsonObject body = choice.none ? new JsonObject().putNull("account")
          : new JsonObject().put("account", target.checkedAccount(choice.account));
      return target.call("PATCH", path, body);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Remove the camera and revoke its live storage keys (its recordings stay).")
  static final class Delete extends OnCamera {
    @Override
    int run(String path) throws Exception {
      return target.call("DELETE", path, null);
    }
  }
}
