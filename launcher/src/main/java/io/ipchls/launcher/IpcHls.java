package io.ipchls.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./ipc-hls}: the command line of the whole system. */
@Command(name = "ipc-hls", mixinStandardHelpOptions = true, version = "ipc-hls 0.1.0",
    description = "Self-hostable cloud recording backend for IP cameras.",
    subcommands = {DemoCommand.class, CameraCommand.class, AccountCommand.class, ViewerTokenCommand.class,
        OpsCommand.class, UsageCommand.class})
public final class IpcHls {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line, parsing as users need: the value of an option that takes one is the next argument even when it
   * starts with a dash. Tokens and secrets are base64url, so one in 64 starts with "-", and picocli would otherwise
   * read "-hQ3..." after {@code --admin-token} as the {@code -h} option and refuse it.
   */
  static CommandLine commandLine() {
    return new CommandLine(new IpcHls()).setAllowOptionsAsOptionParameters(true);
  }
}
