package io.ipchls.gateway.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Splits the byte stream of an RTSP connection with TCP-interleaved media into interleaved binary frames
 * ({@link InterleavedFrame}) and whole RTSP messages (passed on as bytes to Netty's {@code RtspDecoder}, which is an
 * HTTP-style decoder that knows nothing of '$' frames). A message ends after its header block (an empty line) and
 * its Content-Length bytes. Bytes that start neither a frame nor a message are skipped (counted): some cameras put
 * stray bytes between frames after a reconnect or a lost buffer, and skipping to the next '$' or "RTSP/" resyncs.
 */
final class InterleavedSplitter extends ByteToMessageDecoder {
  /** RFC 2326 §10.12. */
  private static final byte DOLLAR = '$';
  /** A header block larger than this is not an RTSP answer from a camera. */
  static final int MAX_HEADER_BYTES = 64 * 1024;
  private long skippedBytes;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int start = in.readerIndex();
      byte first = in.getByte(start);
      if (first == DOLLAR) {
        if (in.readableBytes() < 4) return;
        int channel = in.getUnsignedByte(start + 1);
        int length = in.getUnsignedShort(start + 2);
        if (in.readableBytes() < 4 + length) return;
        byte[] data = new byte[length];
        in.getBytes(start + 4, data);
        in.skipBytes(4 + length);
        out.add(new InterleavedFrame(channel, data));
      } else if (startsMessage(in, start)) {
        int headerEnd = headerEnd(in, start);
        if (headerEnd < 0) {
          if (in.readableBytes() > MAX_HEADER_BYTES) throw new TooLongFrameException("RTSP header block too long");
          return;
        }
        int total = headerEnd - start + contentLength(in.toString(start, headerEnd - start, StandardCharsets.ISO_8859_1));
        if (in.readableBytes() < total) return;
        out.add(in.readRetainedSlice(total));
      } else {
        in.skipBytes(1);
        skippedBytes++;
      }
    }
  }

  long skippedBytes() {
    return skippedBytes;
  }

  /** "RTSP/1.0 200 OK" (a response), or an upper-case method (a request from the server, e.g. ANNOUNCE). */
  private static boolean startsMessage(ByteBuf in, int at) {
    int n = Math.min(in.readableBytes(), 5);
    String head = in.toString(at, n, StandardCharsets.ISO_8859_1);
    if ("RTSP/".startsWith(head) || head.startsWith("RTSP/")) return true;
    for (int i = 0; i < n; i++) {
      char c = head.charAt(i);
      if (c < 'A' || c > 'Z') return c == ' ' && i > 2;
    }
    return n == 5;
  }

  /** Index just after the empty line that ends the header block (CRLFCRLF, or LFLF from sloppy servers), or -1. */
  private static int headerEnd(ByteBuf in, int start) {
    int end = in.writerIndex();
    for (int i = start; i < end - 1; i++) {
      if (in.getByte(i) != '\n') continue;
      if (in.getByte(i + 1) == '\n') return i + 2;
      if (i + 2 < end && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') return i + 3;
    }
    return -1;
  }

  private static int contentLength(String headers) {
    for (String line : headers.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        try {
          return Math.max(0, Integer.parseInt(line.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }
}
