package io.ipchls.launcher.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What systemd would run for one of our sample units: {@code ExecStart} with {@code $VAR} words expanded from
 * {@code Environment=} and {@code EnvironmentFile=} (the subset of systemd's rules our units use), the environment
 * itself, all with the install root {@code /} moved to a test directory.
 */
record SystemdUnit(List<String> command, Map<String, String> environment) {

  static SystemdUnit load(Path unitFile, Path root) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    String execStart = null;
    StringBuilder logical = new StringBuilder();
    for (String raw : Files.readAllLines(unitFile)) {
      if (raw.endsWith("\\")) {
        logical.append(raw, 0, raw.length() - 1).append(' ');
        continue;
      }
      String line = logical.append(raw).toString().trim();
      logical.setLength(0);
      if (line.startsWith("EnvironmentFile=")) {
        env.putAll(envFile(rooted(line.substring("EnvironmentFile=".length()), root)));
      } else if (line.startsWith("Environment=")) {
        String kv = line.substring("Environment=".length());
        int eq = kv.indexOf('=');
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      } else if (line.startsWith("ExecStart=")) {
        execStart = line.substring("ExecStart=".length());
      }
    }
    if (execStart == null) throw new IOException(unitFile + " has no ExecStart");
    env.replaceAll((k, v) -> v.replace("/etc/ipc-hls/", root + "/etc/ipc-hls/")
        .replace("/opt/ipc-hls/", root + "/opt/ipc-hls/"));
    List<String> command = new ArrayList<>();
    for (String word : execStart.trim().split("\\s+")) {
      if (word.startsWith("$") && !word.startsWith("${")) {
        String value = env.getOrDefault(word.substring(1), "");
        for (String w : value.trim().split("\\s+")) if (!w.isEmpty()) command.add(w);
      } else {
        command.add(word.replace("/opt/ipc-hls/", root + "/opt/ipc-hls/"));
      }
    }
    return new SystemdUnit(command, env);
  }

  private static Path rooted(String path, Path root) {
    return root.resolve(path.replaceFirst("^-?/", ""));
  }

  /** KEY=VALUE lines; # comments and blank lines skipped; no quotes in our samples. */
  static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.trim();
      if (l.isEmpty() || l.startsWith("#")) continue;
      int eq = l.indexOf('=');
      env.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
    }
    return env;
  }
}
