package io.ipchls.launcher;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./ipc-hls account ...}: accounts (issue 19 item 2) through credential-service's admin API, with the same
 * target options as {@code camera} (the operator's admin token). Prints the API's JSON; exits 1 with the API's error
 * message when a call is refused.
 */
@Command(name = "account", mixinStandardHelpOptions = true,
    description = "Manage accounts: a camera maker's end user or a site, owning cameras (admin API).",
    subcommands = {AccountCommand.Create.class, AccountCommand.List.class, AccountCommand.Get.class,
        AccountCommand.Update.class, AccountCommand.AdminToken.class, AccountCommand.Delete.class})
final class AccountCommand {
  private static final String ACCOUNTS = "/api/v1/accounts";

  /** The quota options of {@code create} and {@code update}; "none" removes a limit. */
  static final class Quota {
    @Option(names = "--quota-bytes", description = "all its cameras' stored bytes together, or none")
    String bytes;

    @Option(names = "--quota-days", description = "the longest any of its recordings is kept, or none")
    String days;

    @Option(names = "--quota-policy", description = "at the quota: ring (delete the oldest) or stop (refuse new)")
    String policy;

    /** The {@code quota} object of the request, or null when no option was given. */
    JsonObject toJson() {
      if (bytes == null && days == null && policy == null) return null;
      JsonObject q = new JsonObject();
      if (bytes != null) q.put("bytes", number(bytes));
      if (days != null) q.put("days", number(days));
      if (policy != null) q.put("policy", policy);
      return q;
    }

    /** A number as the API takes it, or null for "none"; anything else is sent as text for the API to refuse. */
    private static Object number(String value) {
      if ("none".equals(value)) return null;
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        return value;
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an account.")
  static final class Create implements Callable<Integer> {
    @Mixin CameraCommand.Target target;
    @Parameters(paramLabel = "ID", description = "account id: [a-z0-9][a-z0-9_-]{0,62}") String id;
    @Option(names = "--name", description = "display name (default: the id)") String name;
    @Mixin Quota quota;

    @Override
    public Integer call() throws Exception {
      JsonObject body = new JsonObject().put("id", target.checkedAccount(id));
      if (name != null) body.put("displayName", name);
      if (quota.toJson() != null) body.put("quota", quota.toJson());
      return target.call("POST", ACCOUNTS, body);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts in id order, one page.")
  static final class List implements Callable<Integer> {
    @Mixin CameraCommand.Target target;
    @Option(names = "--limit", defaultValue = "100", description = "page size, 1..1000") int limit;
    @Option(names = "--after", description = "start after this id (the previous page's \"next\")") String after;

    @Override
    public Integer call() throws Exception {
      String query = "?limit=" + limit + (after == null ? "" : "&after=" + target.checkedAccount(after));
      return target.call("GET", ACCOUNTS + query, null);
    }
  }

  /** A subcommand on one account: the target options plus the account id, checked before any call. */
  abstract static class OnAccount implements Callable<Integer> {
    @Mixin CameraCommand.Target target;
    @Parameters(paramLabel = "ID", description = "account id") String id;

    @Override
    public Integer call() throws Exception {
      return run(ACCOUNTS + "/" + target.checkedAccount(id));
    }

    abstract int run(String path) throws Exception;
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one account.")
  static final class Get extends OnAccount {
    @Override
    int run(String path) throws Exception {
      return target.call("GET", path, null);
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true, description = "Change an account's name or quota.")
  static final class Update extends OnAccount {
    @Option(names = "--name", description = "display name") String name;
    @Mixin Quota quota;

    @Override
    int run(String path) throws Exception {
      JsonObject body = new JsonObject();
      if (name != null) body.put("displayName", name);
      if (quota.toJson() != null) body.put("quota", quota.toJson());
      return target.call("PATCH", path, body);
    }
  }

  @Command(name = "admin-token", mixinStandardHelpOptions = true,
      description = "Mint the account's admin token (shown only now; the one before stops working). It lets the "
          + "account's own people list and change its cameras and mint viewer tokens for them.")
  static final class AdminToken extends OnAccount {
    @Override
    int run(String path) throws Exception {
      return target.call("POST", path + "/admin-token", null);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete an account; refused while cameras belong to it (move them with camera set-account).")
  static final class Delete extends OnAccount {
    @Override
    int run(String path) throws Exception {
      return target.call("DELETE", path, null);
    }
  }
}
