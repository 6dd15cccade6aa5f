package io.ipchls.bench.credential;

import io.ipchls.protocol.CredentialRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A process holding some of a storm's cameras ({@link StormClients}), driven by {@link StormFleet} over its standard
 * input and output, so that the clients' sockets count against this process's open-file limit, not the broker's.
 * Arguments: broker host, port, deadline in seconds, the file of cameras ({@code id secret} a line) and the source
 * addresses (comma-separated). Commands, one a line: {@code storm} (prints {@code progress <connected>
 * <credentialed>} every second, then the result as {@code result ...}, {@code connect <nanos...>} and
 * {@code credentials <nanos...>}, or {@code failed <reason>}), {@code disconnect} (answers {@code disconnected}) and
 * {@code exit}.
 */
public final class StormClientProcess {
  private StormClientProcess() {}

  public static void main(String[] args) throws Exception {
    // Ends with the benchmark, however that ends.
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(1)));
    List<String[]> cams = Files.readAllLines(Path.of(args[3])).stream().map(l -> l.split(" ", 2)).toList();
    StormClients clients = new StormClients(args[0], Integer.parseInt(args[1]), cams, Integer.parseInt(args[2]),
        List.of(args[4].split(",")));
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    // Everything else the libraries print goes to standard error, so standard output carries only the answers.
    System.setOut(System.err);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String command; (command = in.readLine()) != null; ) {
      String[] words = command.split(" ");
      switch (words[0]) {
        case "storm" -> {
          try {
            int qos = words.length > 1 ? Integer.parseInt(words[1]) : CredentialRequest.QOS;
            StormClients.Result r = clients.storm(qos, (connected, credentialed) -> {
              synchronized (out) {
                out.println("progress " + connected + " " + credentialed);
              }
            }, 1);
            synchronized (out) {
              out.printf("result %d %d %d %d %d %d %d%n", r.cameras(), Math.round(r.connectedSeconds() * 1e9),
                  Math.round(r.credentialedSeconds() * 1e9), r.decisions(), r.connectRefused(), r.errorAnswers(),
                  r.unanswered());
              out.println("connect " + join(r.connect().samples()));
              out.println("credentials " + join(r.credentials().samples()));
            }
          } catch (RuntimeException e) {
            out.println("failed " + e.getMessage());
          }
        }
        case "disconnect" -> {
          clients.disconnectAll();
          out.println("disconnected");
        }
        case "exit" -> System.exit(0);
        default -> out.println("failed unknown command " + command);
      }
    }
    System.exit(0);
  }

  private static String join(long[] values) {
    return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(" "));
  }
}
