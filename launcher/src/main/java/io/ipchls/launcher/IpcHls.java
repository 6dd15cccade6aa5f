package io.ipchls.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./ipc-hls}: the command line of the whole system. */
@Command(name = "ipc-hls", mixinStandardHelpOptions = true, version = "ipc-hls 0.1.0",
    description = "Self-hostable cloud recording backend for IP cameras.",
    subcommands = {DemoCommand.class, CameraCommand.class, AccountCommand.class, ViewerTokenCommand.class,
        OpsCommand.class})
public final class IpcHls {
  public static void main(String[] args) {
    System.exit(new CommandLine(new IpcHls()).execute(args));
  }
}
