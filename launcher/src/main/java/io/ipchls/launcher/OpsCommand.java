package io.ipchls.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ipc-hls ops ...}: the cluster as the ops API of any one service sees it (members, instances and their
 * health, cameras online, ingest lag, credential rates, retention). Exit code 0 when every instance is healthy, 3 when
 * the cluster answered but something is down, 1 when it could not be asked.
 */
@Command(name = "ops", mixinStandardHelpOptions = true,
    description = "Show the cluster: members, service instances and their health (ops API of any service).",
    subcommands = {OpsCommand.Status.class, OpsCommand.Members.class})
final class OpsCommand {
  static final int DEGRADED = 3;

  /** Asks {@code path}; prints the error and returns null when that fails. */
  static JsonObject fetch(CameraCommand.Target target, String path) throws InterruptedException {
    PrintWriter err = target.spec.commandLine().getErr();
    HttpResponse<String> r;
    try {
      r = target.client().send("GET", path, null);
    } catch (ConnectException e) {
      err.println("ipc-hls: cannot reach " + target.url + " (is the system running? --url)");
      return null;
    } catch (IOException e) {
      err.println("ipc-hls: " + e.getMessage());
      return null;
    }
    if (r.statusCode() != 200) {
      err.println("ipc-hls: GET " + path + " failed with " + r.statusCode() + ": " + r.body());
      return null;
    }
    return new JsonObject(r.body());
  }

  /**
   * Asks {@code path} and prints the answer: its JSON with {@code --json}, else {@code report} of it. Returns the
   * answer, or null when it could not be had (the error is printed).
   */
  static JsonObject show(CameraCommand.Target target, String path, boolean json, Function<JsonObject, String> report)
      throws InterruptedException {
    JsonObject answer = fetch(target, path);
    if (answer == null) return null;
    PrintWriter out = target.spec.commandLine().getOut();
    if (json) out.println(answer.encodePrettily());
    else out.print(report.apply(answer));
    out.flush();
    return answer;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Cluster members, each service instance's health and figures, cameras online.")
  static final class Status implements Callable<Integer> {
    @Mixin CameraCommand.Target target;
    @Option(names = "--json", description = "print the API's JSON instead of the summary") boolean json;

    @Override
    public Integer call() throws Exception {
      JsonObject s = show(target, "/ops/v1/status", json, OpsReport::status);
      if (s == null) return 1;
      return "UP".equals(s.getJsonObject("summary").getString("status")) ? 0 : DEGRADED;
    }
  }

  @Command(name = "members", mixinStandardHelpOptions = true,
      description = "The Hazelcast members and the services each runs.")
  static final class Members implements Callable<Integer> {
    @Mixin CameraCommand.Target target;
    @Option(names = "--json", description = "print the API's JSON instead of the table") boolean json;

    @Override
    public Integer call() throws Exception {
      return show(target, "/ops/v1/members", json, s -> OpsReport.members(s.getJsonObject("cluster"))) == null ? 1 : 0;
    }
  }

  private OpsCommand() {}
}
