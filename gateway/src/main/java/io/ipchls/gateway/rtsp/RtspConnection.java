package io.ipchls.gateway.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;
import io.netty.handler.codec.rtsp.RtspEncoder;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One TCP connection to a camera: RTSP requests out, responses matched to them by CSeq, interleaved frames to a
 * consumer (on the connection's event loop). Nothing arriving for the read timeout (media, answers) closes the
 * connection: that is how a half-open connection (camera unplugged, NAT entry gone) or a stalled server is noticed.
 */
final class RtspConnection implements AutoCloseable {
  /** Larger bodies are not a camera's SDP. */
  private static final int MAX_BODY = 256 * 1024;
  private final Channel channel;
  private final AtomicInteger cseq = new AtomicInteger();
  private final Map<Integer, CompletableFuture<RtspResponse>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private volatile String closeReason;

  private RtspConnection(Channel channel) {
    this.channel = channel;
  }

  static RtspConnection open(EventLoopGroup group, URI uri, Duration connectTimeout, Duration readTimeout,
      Consumer<InterleavedFrame> frames) throws RtspException {
    Handler handler = new Handler(frames, readTimeout);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new IdleStateHandler(readTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast(new InterleavedSplitter())
                .addLast(new RtspDecoder())
                .addLast(new HttpObjectAggregator(MAX_BODY))
                .addLast(new RtspEncoder())
                .addLast(handler);
          }
        });
    int port = uri.getPort() < 0 ? 554 : uri.getPort();
    ChannelFuture f = b.connect(uri.getHost(), port).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new RtspException("cannot connect to " + uri.getHost() + ":" + port + ": " + describe(f.cause()), f.cause());
    }
    RtspConnection c = new RtspConnection(f.channel());
    handler.connection = c;
    f.channel().closeFuture().addListener(x -> c.onClosed());
    return c;
  }

  /** Sends a request; the future completes with the response (or fails when the connection closes). */
  CompletableFuture<RtspResponse> send(HttpMethod method, String uri, Map<String, String> headers) {
    int n = cseq.incrementAndGet();
    FullHttpRequest req = new DefaultFullHttpRequest(RtspVersions.RTSP_1_0, method, uri);
    req.headers().set(RtspHeaderNames.CSEQ, Integer.toString(n));
    req.headers().set("User-Agent", "ipc-hls-gateway");
    headers.forEach((k, v) -> req.headers().set(k, v));
    CompletableFuture<RtspResponse> answer = new CompletableFuture<>();
    pending.put(n, answer);
    if (closed.isDone()) {
      pending.remove(n);
      answer.completeExceptionally(new RtspException(closeReason()));
      return answer;
    }
    channel.writeAndFlush(req).addListener(w -> {
      if (!w.isSuccess()) {
        pending.remove(n);
        answer.completeExceptionally(new RtspException("cannot send " + method + ": " + describe(w.cause())));
      }
    });
    return answer;
  }

  /** Runs {@code task} on the connection's event loop every {@code periodMs} until cancelled or closed. */
  ScheduledFuture<?> schedule(Runnable task, long periodMs) {
    return channel.eventLoop().scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  /** Completes with the reason when the connection has closed. */
  CompletableFuture<String> closed() {
    return closed;
  }

  String closeReason() {
    String r = closeReason;
    return r == null ? "connection closed by the camera" : r;
  }

  @Override
  public void close() {
    closeWith("closed by the gateway");
  }

  void closeWith(String reason) {
    if (closeReason == null) closeReason = reason;
    channel.close();
  }

  private void onClosed() {
    String reason = closeReason();
    pending.values().forEach(f -> f.completeExceptionally(new RtspException(reason)));
    pending.clear();
    closed.complete(reason);
  }

  private void onResponse(FullHttpResponse r) {
    String cseqHeader = r.headers().get(RtspHeaderNames.CSEQ);
    CompletableFuture<RtspResponse> f = null;
    try {
      if (cseqHeader != null) f = pending.remove(Integer.parseInt(cseqHeader.trim()));
    } catch (NumberFormatException e) {
      f = null;
    }
    if (f == null && pending.size() == 1 && cseqHeader == null) { // a camera that forgets CSeq
      Integer only = pending.keySet().iterator().next();
      f = pending.remove(only);
    }
    if (f != null) {
      f.complete(new RtspResponse(r.status().code(), r.status().reasonPhrase(), r.headers().copy(), body(r)));
    }
  }

  static String describe(Throwable t) {
    if (t == null) return "unknown error";
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static final class Handler extends SimpleChannelInboundHandler<Object> {
    private final Consumer<InterleavedFrame> frames;
    private final Duration readTimeout;
    volatile RtspConnection connection;

    Handler(Consumer<InterleavedFrame> frames, Duration readTimeout) {
      this.frames = frames;
      this.readTimeout = readTimeout;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof InterleavedFrame f) {
        frames.accept(f);
      } else if (msg instanceof FullHttpResponse r) {
        if (connection != null) connection.onResponse(r);
      } else if (msg instanceof FullHttpRequest req) {
        // a request from the camera (ANNOUNCE, GET_PARAMETER): answer that we do not implement it
        var resp = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, RtspResponseStatuses.NOT_IMPLEMENTED);
        String cseq = req.headers().get(RtspHeaderNames.CSEQ);
        if (cseq != null) resp.headers().set(RtspHeaderNames.CSEQ, cseq);
        ctx.writeAndFlush(resp);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent && connection != null) {
        connection.closeWith("no data from the camera for " + readTimeout.toSeconds() + " s (read timeout)");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (connection != null) {
        connection.closeWith("connection error: " + describe(cause));
      } else {
        ctx.close();
      }
    }
  }

  static String body(FullHttpResponse r) {
    return r.content().toString(StandardCharsets.UTF_8);
  }
}
