package io.ipchls.gateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lossy link between the gateway and an RTSP server, as a camera with an overflowing send buffer is: a TCP proxy
 * that passes RTSP messages unchanged and drops every {@code n}-th interleaved frame on channel 0 (the first stream's
 * RTP; RFC 2326 §10.12 framing), whatever its content — so FU-A fragments in the middle of a picture are lost too.
 */
public final class LossyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final int every;
  private final AtomicLong dropped = new AtomicLong();

  public LossyProxy(URI target, int every) throws IOException {
    this.targetHost = target.getHost();
    this.targetPort = target.getPort();
    this.every = every;
    this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "lossy-proxy");
    t.setDaemon(true);
    t.start();
  }

  /** The same path as the target's, through the proxy. */
  public URI url(URI target) {
    return URI.create("rtsp://127.0.0.1:" + server.getLocalPort() + target.getRawPath());
  }

  public long dropped() {
    return dropped.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        pump(client.getInputStream(), upstream.getOutputStream(), client, upstream, "up");
        Thread down = new Thread(() -> {
          try {
            filter(new DataInputStream(new BufferedInputStream(upstream.getInputStream())), client.getOutputStream());
          } catch (IOException e) {
            // either side closed
          } finally {
            closeBoth(client, upstream);
          }
        }, "lossy-proxy-down");
        down.setDaemon(true);
        down.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(InputStream in, OutputStream out, Socket a, Socket b, String name) {
    Thread t = new Thread(() -> {
      try {
        in.transferTo(out);
      } catch (IOException e) {
        // closed
      } finally {
        closeBoth(a, b);
      }
    }, "lossy-proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Server to client: RTSP messages whole, interleaved frames one by one, every n-th on channel 0 dropped. */
  private void filter(DataInputStream in, OutputStream out) throws IOException {
    long video = 0;
    while (true) {
      int first = in.read();
      if (first < 0) return;
      if (first == '$') {
        int channel = in.readUnsignedByte();
        int length = in.readUnsignedShort();
        byte[] data = new byte[length];
        in.readFully(data);
        if (channel == 0 && ++video % every == 0) {
          dropped.incrementAndGet();
          continue;
        }
        out.write(new byte[] {'$', (byte) channel, (byte) (length >> 8), (byte) length});
        out.write(data);
      } else {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(first);
        int contentLength = 0;
        String line;
        while (!(line = readLine(in, message)).isEmpty()) {
          String lower = line.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) contentLength = Integer.parseInt(line.substring(15).trim());
        }
        byte[] body = new byte[contentLength];
        in.readFully(body);
        message.write(body);
        out.write(message.toByteArray());
      }
      out.flush();
    }
  }

  /** Reads up to LF into {@code copy}; returns the line without CR LF (the first byte may already be in copy). */
  private static String readLine(DataInputStream in, ByteArrayOutputStream copy) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] sofar = copy.toByteArray();
    int lastLf = -1;
    for (int i = 0; i < sofar.length; i++) if (sofar[i] == '\n') lastLf = i;
    line.write(sofar, lastLf + 1, sofar.length - lastLf - 1);
    while (true) {
      int c = in.read();
      if (c < 0) throw new EOFException();
      copy.write(c);
      if (c == '\n') break;
      line.write(c);
    }
    return line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
  }

  private static void closeBoth(Socket a, Socket b) {
    try {
      a.close();
    } catch (IOException e) {
      // ignore
    }
    try {
      b.close();
    } catch (IOException e) {
      // ignore
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
