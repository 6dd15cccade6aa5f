package io.ipchls.device.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A TCP relay in front of a real server that keeps a copy of what clients send: the exact HTTP requests the SDK puts
 * on the wire, headers included, while the server behind answers them as usual. For request headers a store accepts
 * but does not keep (S3Proxy's filesystem store takes {@code x-amz-tagging} and drops it).
 */
public final class RecordingRelay implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

  public RecordingRelay(URI target) throws IOException {
    this.targetHost = target.getHost();
    this.targetPort = target.getPort();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** The relay's address, with the target's scheme. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** The request header lines sent so far that start with {@code name:} (case-insensitive), values only. */
  public List<String> headerValues(String name) {
    String all;
    synchronized (sent) {
      all = sent.toString(StandardCharsets.ISO_8859_1);
    }
    String prefix = name.toLowerCase() + ":";
    return all.lines().filter(l -> l.toLowerCase().startsWith(prefix))
        .map(l -> l.substring(prefix.length()).trim()).toList();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        pump(client.getInputStream(), upstream.getOutputStream(), true, client, upstream);
        pump(upstream.getInputStream(), client.getOutputStream(), false, client, upstream);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(InputStream in, OutputStream out, boolean record, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (record) {
            synchronized (sent) {
              sent.write(buf, 0, n);
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // a side hung up: end both
      } finally {
        closeQuietly(a);
        closeQuietly(b);
      }
    }, "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
