package io.ipchls.launcher;

import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ipc-hls viewer-token --camera ID ... | --account ID}: asks playlist-service's admin API for a viewer token.
 * By default it talks to the local demo (its port from the launcher config, the admin token from
 * {@code data/secrets.json}); {@code --admin-token} may be an account admin token, for its own account's cameras.
 */
@Command(name = "viewer-token", mixinStandardHelpOptions = true,
    description = "Mint a viewer token (JWT) that lets players and apps watch the given cameras, or every camera of "
        + "an account.")
final class ViewerTokenCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Scope scope;

  /** Cameras or an account, not both. */
  static final class Scope {
    @Option(names = "--camera", description = "camera id the token opens; repeat, or * for all")
    List<String> cameras;

    @Option(names = "--account", description = "account whose cameras the token opens (those it has at each request)")
    String account;
  }

  @Option(names = "--ttl", defaultValue = "3600", description = "lifetime in seconds (default: ${DEFAULT-VALUE})")
  int ttlSeconds;

  @Option(names = "--subject", defaultValue = "viewer", description = "who the token is for (kept in the token)")
  String subject;

  @Option(names = "--url", description = "playlist-service base URL (default: the local demo's)")
  URI url;

  @Option(names = "--admin-token", description = "admin token (default: the local demo's, from data/secrets.json)")
  String adminToken;

  @Option(names = "--config", description = "launcher JSON config file, to find the local demo")
  Path config;

  @Override
  public Integer call() throws Exception {
    StackConfig cfg = StackConfig.from(ConfigLoader.load(StackConfig.defaults(), config, System.getenv()));
    boolean https = cfg.tls() && cfg.httpTls();
    URI base = url != null ? url : URI.create((https ? "https" : "http") + "://" + cfg.host() + ":" + cfg.playlistPort());
    String token = adminToken != null ? adminToken : LocalSecrets.loadOrCreate(cfg.dataDir()).adminToken();
    // an https demo's certificate is the local CA's
    java.nio.file.Path ca = cfg.tls() ? cfg.tlsDir().resolve("ca.pem") : null;
    JsonObject body = new JsonObject().put("ttlSeconds", ttlSeconds).put("subject", subject);
    if (scope.account != null) {
      body.put("account", scope.account);
    } else {
      body.put("cameras", new JsonArray(scope.cameras));
    }
    JsonObject minted = new AdminClient(base, token, ca != null && java.nio.file.Files.exists(ca) ? ca : null)
        .post("/api/v1/viewer-tokens", body);
    System.out.println(minted.getString("token"));
    return 0;
  }
}
