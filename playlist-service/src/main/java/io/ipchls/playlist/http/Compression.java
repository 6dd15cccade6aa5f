package io.ipchls.playlist.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * gzip for playlists (RFC 9110 content coding), per response: playlists are text that repeats itself line by line,
 * segments are video that does not compress, so the server-wide compression of Vert.x (which would spend CPU on every
 * proxied segment) stays off. Compressed on the thread that built the text: a worker for long replays.
 */
final class Compression {
  /** Shorter answers gain less than gzip's own 18 bytes of framing and a round of CPU. */
  static final int MIN_BYTES = 1024;

  private Compression() {}

  /** Whether {@code Accept-Encoding} names gzip (or {@code *}) without {@code q=0}. */
  static boolean acceptsGzip(RoutingContext ctx) {
    String accept = ctx.request().getHeader("accept-encoding");
    if (accept == null) return false;
    for (String part : accept.split(",")) {
      String[] p = part.trim().split(";");
      String coding = p[0].trim().toLowerCase(Locale.ROOT);
      if (!coding.equals("gzip") && !coding.equals("*")) continue;
      boolean refused = false;
      for (int i = 1; i < p.length; i++) {
        String param = p[i].trim().replace(" ", "");
        if (param.startsWith("q=") && param.substring(2).matches("0(\\.0{0,3})?")) refused = true;
      }
      if (!refused) return true;
    }
    return false;
  }

  static byte[] gzip(byte[] text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 16));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
      {
        def.setLevel(Deflater.DEFAULT_COMPRESSION);
      }
    }) {
      gz.write(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** gzip's magic bytes; no M3U8 text starts with them ("#EXTM3U"). */
  static boolean isGzip(Buffer body) {
    return body.length() >= 2 && (body.getByte(0) & 0xff) == 0x1f && (body.getByte(1) & 0xff) == 0x8b;
  }
}
