package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.TestTools;
import io.ipchls.protocol.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running demo exposes, read from the kernel's socket tables ({@code /proc/net/tcp} and {@code tcp6}, what
 * {@code ss -ltn} prints): every listening socket of the demo (this JVM's, and the embedded PostgreSQL's) is on
 * loopback only, and MQTT is spoken only over TLS: the broker's port completes a TLS handshake verified against the
 * local CA (host name included) and {@code mosquitto_pub --cafile} publishes through it as docs/CAMERA-SDK.md shows,
 * while no listener answers a plain MQTT CONNECT. The demo here also serves the services' HTTP over HTTPS
 * ({@code http.tls}, off by default), which answers only TLS clients that trust the local CA.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DemoListenersTest {
  /** An MQTT 3.1.1 CONNECT (§3.1): protocol "MQTT" level 4, clean session, keep-alive 30 s, client id "probe". */
  private static final byte[] PLAIN_CONNECT = {0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30, 0, 5,
      'p', 'r', 'o', 'b', 'e'};
  /** The first byte of a CONNACK (§3.2.1). */
  private static final int CONNACK = 0x20;
  @TempDir static Path data;
  static LocalSystem sys;
  /** What this JVM and its children listened on before the demo started (other test classes' servers). */
  static Set<Integer> before;

  @BeforeAll
  static void startDemo() throws Exception {
    before = new HashSet<>(demoListeners().keySet());
    StackConfig defaults = EndToEndTest.testConfig(data, "ipc-hls-listeners", 5971);
    sys = LocalSystem.start(new StackConfig(defaults.dataDir(), defaults.host(), 0, 0, 0, defaults.postgres(),
        defaults.mqtt(), defaults.s3(), defaults.cluster(), defaults.credential(), defaults.playlist(),
        defaults.tls(), defaults.tlsDir(), /* httpTls= */ true));
  }

  @AfterAll
  static void stopDemo() {
    if (sys != null) sys.close();
  }

  @Test
  void everyListener_isOnLoopback_andMqttIsTlsOnly() throws Exception {
    // the demo's own: an earlier test class in this JVM may still run servers of its own (a plain MQTT broker)
    TreeMap<Integer, String> listeners = demoListeners();
    listeners.keySet().removeAll(before);
    int pg = sys.db().getInteger("port");
    assertTrue(listeners.containsKey(sys.mqttPort()) && listeners.containsKey(pg)
        && listeners.containsKey(sys.playlistUrl().getPort()), "the demo's listeners: " + listeners);
    listeners.forEach((port, address) -> assertTrue(address.equals("127.0.0.1") || address.equals("::1"),
        "port " + port + " listens on " + address + ", not loopback: " + listeners));

    assertTrue(sys.mqttTls(), "the demo's broker speaks TLS");
    tlsHandshake(sys.mqttPort());
    assertTrue(sys.s3().getString("endpoint").startsWith("https://127.0.0.1:"), sys.s3().encode());
    for (int port : listeners.keySet()) {
      assertNotEquals(CONNACK, firstByteAnswering(port), "port " + port + " answered a plain MQTT CONNECT");
    }
  }

  @Test
  void servicesOverHttps_answerClientsTrustingTheLocalCa_only() throws Exception {
    for (URI service : List.of(sys.playlistUrl(), sys.credentialUrl(), sys.ingestUrl())) {
      assertEquals("https", service.getScheme(), service.toString());
      HttpClient trusting = HttpClient.newBuilder().sslContext(TlsTrust.sslContext(sys.caFile())).build();
      HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(service.resolve("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), service + ": " + health.body());
      assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(service.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()),
          "the JVM's own trust store does not know the local CA");
    }
  }

  @Test
  void mosquittoPub_withTheCaFile_publishesOverTls_andWithoutTlsIsRefused() throws Exception {
    Path mosquittoPub = TestTools.require("mosquitto_pub");
    String id = "mqtt-cli-cam";
    String secret = sys.adminClient(sys.credentialUrl()).registerOrRotate(id);
    List<String> common = List.of("-h", "127.0.0.1", "-p", String.valueOf(sys.mqttPort()), "-i", id, "-u", id,
        "-P", secret, "-t", Topics.status(id), "-q", "1", "-m", "{\"v\":1,\"state\":\"online\"}");
    List<String> overTls = new ArrayList<>(List.of(mosquittoPub.toString(), "--cafile", sys.caFile().toString()));
    overTls.addAll(common);
    assertEquals(0, run(overTls), "mosquitto_pub --cafile over TLS");
    List<String> plain = new ArrayList<>(List.of(mosquittoPub.toString()));
    plain.addAll(common);
    assertNotEquals(0, run(plain), "plain MQTT on the TLS port");
  }

  private static int run(List<String> command) throws Exception {
    Path log = Files.createTempFile(data, "mosquitto_pub", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "mosquitto_pub did not end: " + Files.readString(log));
    return p.exitValue();
  }

  /** A TLS handshake with the port, the certificate verified against the demo's CA for the name 127.0.0.1. */
  private static void tlsHandshake(int port) throws IOException {
    try (SSLSocket s = (SSLSocket) TlsTrust.sslContext(sys.caFile()).getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      SSLParameters params = s.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(params);
      s.setSoTimeout(10_000);
      s.startHandshake();
      assertTrue(s.getSession().isValid());
    }
  }

  /** Sends a plain MQTT CONNECT; the first byte of the answer, or -1 if the port closes or stays silent for 3 s. */
  private static int firstByteAnswering(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(3_000);
      OutputStream out = s.getOutputStream();
      out.write(PLAIN_CONNECT);
      out.flush();
      InputStream in = s.getInputStream();
      return in.read();
    } catch (SocketTimeoutException | java.net.SocketException e) {
      return -1;
    }
  }

  /**
   * Port → bound address of every listening TCP socket of the demo: those whose inode is among this process's (and
   * its children's) open sockets, and the embedded PostgreSQL's port (its server detaches from the JVM's process tree).
   */
  private static TreeMap<Integer, String> demoListeners() throws IOException {
    Set<String> inodes = new HashSet<>();
    List<Long> pids = new ArrayList<>();
    pids.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
    for (long pid : pids) {
      try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
        fds.forEach(fd -> {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
          } catch (IOException gone) {
            // closed meanwhile
          }
        });
      } catch (IOException gone) {
        // the process ended meanwhile
      }
    }
    int pg = sys == null ? -1 : sys.db().getInteger("port"); // PostgreSQL's postmaster is no child of ours
    TreeMap<Integer, String> out = new TreeMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> rows = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
      for (String line : rows.subList(1, rows.size())) { // after the header
        String[] f = line.trim().split("\\s+");
        if (!f[3].equals("0A")) continue; // TCP_LISTEN
        String[] local = f[1].split(":");
        int port = Integer.parseInt(local[1], 16);
        if (inodes.contains(f[9]) || port == pg) out.merge(port, address(local[0]), (a, b) -> a + "," + b);
      }
    }
    return out;
  }

  /** /proc/net/tcp{,6} write addresses as hex words in host (little-endian) byte order. */
  static String address(String hex) {
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
      }
    }
    try {
      return java.net.InetAddress.getByAddress(b).getHostAddress().replace("0:0:0:0:0:0:0:1", "::1");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(hex, e);
    }
  }
}
