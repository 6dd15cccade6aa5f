package io.ipchls.gateway.rtsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InterleavedSplitterTest {
  private static final String RESPONSE = "RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 3\r\n\r\nv=0";

  /** '$' 0 len=4 "abcd", a response with a body, two stray bytes, '$' 1 len=2 "hi". */
  private static byte[] stream() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {'$', 0, 0, 4, 'a', 'b', 'c', 'd'});
    b.writeBytes(RESPONSE.getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(new byte[] {0x00, 0x01});
    b.writeBytes(new byte[] {'$', 1, 0, 2, 'h', 'i'});
    return b.toByteArray();
  }

  private static void assertSplit(EmbeddedChannel ch, InterleavedSplitter splitter) {
    InterleavedFrame f = ch.readInbound();
    assertEquals(0, f.channel());
    assertArrayEquals("abcd".getBytes(StandardCharsets.US_ASCII), f.data());
    ByteBuf message = ch.readInbound();
    assertEquals(RESPONSE, message.toString(StandardCharsets.ISO_8859_1));
    message.release();
    InterleavedFrame g = ch.readInbound();
    assertEquals(1, g.channel());
    assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), g.data());
    assertNull(ch.readInbound());
    assertEquals(2, splitter.skippedBytes());
  }

  @Test
  void mixedStream_inOneChunk_splitIntoFramesAndMessages() {
    InterleavedSplitter splitter = new InterleavedSplitter();
    EmbeddedChannel ch = new EmbeddedChannel(splitter);
    ch.writeInbound(Unpooled.wrappedBuffer(stream()));
    assertSplit(ch, splitter);
  }

  @Test
  void mixedStream_byteByByte_sameResult() {
    InterleavedSplitter splitter = new InterleavedSplitter();
    EmbeddedChannel ch = new EmbeddedChannel(splitter);
    for (byte x : stream()) ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {x}));
    assertSplit(ch, splitter);
  }

  @Test
  void responseWithLfLineEnds_andNoBody_passedOnWhole() {
    EmbeddedChannel ch = new EmbeddedChannel(new InterleavedSplitter());
    ch.writeInbound(Unpooled.copiedBuffer("RTSP/1.0 200 OK\nCSeq: 1\n\n$\u0000\u0000\u0001x", StandardCharsets.ISO_8859_1));
    ByteBuf m = ch.readInbound();
    assertEquals("RTSP/1.0 200 OK\nCSeq: 1\n\n", m.toString(StandardCharsets.ISO_8859_1));
    m.release();
    assertEquals(0, ((InterleavedFrame) ch.readInbound()).channel());
  }
}
