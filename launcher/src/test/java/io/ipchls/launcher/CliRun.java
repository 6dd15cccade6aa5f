package io.ipchls.launcher;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of {@code ./ipc-hls} in this JVM, as the CLI tests see it: exit code, standard output and error. */
record CliRun(int exit, String out, String err) {
  /** Runs {@code ipc-hls args...} and keeps what it printed. */
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = IpcHls.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** Standard output as a JSON object. */
  JsonObject json() {
    return new JsonObject(out);
  }
}
