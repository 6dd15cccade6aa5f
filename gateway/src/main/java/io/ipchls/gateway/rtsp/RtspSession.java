package io.ipchls.gateway.rtsp;

import io.ipchls.gateway.rtp.RtpPacket;
import io.ipchls.gateway.sdp.MediaDescription;
import io.ipchls.gateway.sdp.SessionDescription;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.rtsp.RtspMethods;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTSP session with a camera over one TCP connection (RFC 2326; the RFC 7826 parts cameras use): OPTIONS,
 * DESCRIBE (answering a 401 with Basic or Digest), SETUP of the chosen media with TCP-interleaved transport, PLAY,
 * then keep-alives every half session timeout until {@link #close()} (TEARDOWN). The control calls block the caller
 * (a camera's own thread) for at most the request timeout each; RTP packets reach the {@link Listener} on the
 * connection's event loop.
 */
public final class RtspSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RtspSession.class);
  /** RFC 2326 §12.37: the session timeout when the server names none. */
  static final int DEFAULT_SESSION_TIMEOUT_S = 60;

  /** Receives the RTP packets of the set-up media, by their index in {@link #setup}'s list. */
  public interface Listener {
    void onRtp(int track, RtpPacket packet);

    /** An RTCP compound packet of the track (RFC 3550 §6.1), unparsed. */
    default void onRtcp(int track, byte[] packet) { }
  }

  /**
   * @param connectTimeout TCP connect
   * @param readTimeout nothing received for this long closes the session
   * @param requestTimeout longest wait for one answer
   */
  public record Options(Duration connectTimeout, Duration readTimeout, Duration requestTimeout) {
    public static Options defaults() {
      return new Options(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(10));
    }
  }

  private final URI url;
  private final String user;
  private final Authenticator authenticator;
  private final Options options;
  private final RtspConnection connection;
  private final Map<Integer, Integer> channelToTrack = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> rtcpChannelToTrack = new ConcurrentHashMap<>();
  private volatile Listener listener = (t, p) -> { };
  private URI base;
  private SessionDescription sdp;
  private String session;
  private int sessionTimeoutS = DEFAULT_SESSION_TIMEOUT_S;
  private boolean getParameter;
  private ScheduledFuture<?> keepAlive;
  private volatile long malformedPackets;
  private final AtomicLong keepAlivesAnswered = new AtomicLong();

  private RtspSession(URI url, Credentials credentials, Options options, EventLoopGroup group) throws RtspException {
    this.url = withoutUserInfo(url);
    Credentials c = credentials != null ? credentials : fromUserInfo(url);
    this.user = c == null ? null : c.user();
    this.authenticator = c == null ? null : new Authenticator(c);
    this.options = options;
    this.connection = RtspConnection.open(group, this.url, options.connectTimeout(), options.readTimeout(), this::onFrame);
  }

  /**
   * Connects to the camera of an {@code rtsp://} URL; credentials from the argument, else from the URL's user info.
   *
   * @throws RtspException when the connection cannot be made
   */
  public static RtspSession connect(EventLoopGroup group, URI url, Credentials credentials, Options options)
      throws RtspException {
    if (url.getScheme() == null || !url.getScheme().equalsIgnoreCase("rtsp") || url.getHost() == null) {
      throw new IllegalArgumentException("not an rtsp:// URL with a host: " + withoutUserInfo(url));
    }
    return new RtspSession(url, credentials, options, group);
  }

  /** OPTIONS (learns whether GET_PARAMETER exists for keep-alives), then DESCRIBE. */
  public SessionDescription describe() throws RtspException {
    RtspResponse options = request(RtspMethods.OPTIONS, url.toString(), Map.of());
    String pub = options.header("Public");
    getParameter = pub != null && pub.toUpperCase(Locale.ROOT).contains("GET_PARAMETER");
    RtspResponse r = request(RtspMethods.DESCRIBE, url.toString(), Map.of("Accept", "application/sdp"));
    // RFC 7826 §C.1.1: Content-Base, else Content-Location, else the request URL
    String b = r.header("Content-Base");
    if (b == null) b = r.header("Content-Location");
    base = b == null ? url : parseUri(b.trim());
    try {
      sdp = SessionDescription.parse(r.body());
    } catch (IllegalArgumentException e) {
      throw new RtspException("DESCRIBE answer is not a usable session description: " + e.getMessage());
    }
    return sdp;
  }

  /** SETUP each media section with {@code RTP/AVP/TCP;unicast;interleaved=2i-(2i+1)}, in order. */
  public void setup(List<MediaDescription> media) throws RtspException {
    for (int i = 0; i < media.size(); i++) {
      URI uri = SessionDescription.resolve(base, media.get(i).control());
      int rtp = 2 * i;
      Map<String, String> h = Map.of("Transport", "RTP/AVP/TCP;unicast;interleaved=" + rtp + "-" + (rtp + 1));
      RtspResponse r = request(RtspMethods.SETUP, uri.toString(), h);
      int[] channels = interleavedChannels(r.header("Transport"), rtp); // some cameras choose their own channels
      channelToTrack.put(channels[0], i);
      rtcpChannelToTrack.put(channels[1], i);
      String s = r.header("Session");
      if (s == null && session == null) throw new RtspException("SETUP answer without a Session header");
      if (s != null && session == null) readSession(s);
    }
  }

  /** PLAY of the aggregate control URL; starts the keep-alives. RTP reaches the listener from now on. */
  public void play(Listener listener) throws RtspException {
    this.listener = listener;
    request(RtspMethods.PLAY, sdp.sessionUri(base).toString(), Map.of("Range", "npt=0.000-"));
    long periodMs = Math.max(1_000, sessionTimeoutS * 1_000L / 2);
    keepAlive = connection.schedule(this::sendKeepAlive, periodMs);
  }

  /** Completes with the reason when the session's connection has closed (timeout, camera gone, error). */
  public CompletableFuture<String> closed() {
    return connection.closed();
  }

  /** Keep-alive requests the camera answered with success. */
  public long keepAlivesAnswered() {
    return keepAlivesAnswered.get();
  }

  /** The session timeout the camera announced (or the default), in seconds. */
  public int sessionTimeoutSeconds() {
    return sessionTimeoutS;
  }

  /** RTP frames that did not parse. */
  public long malformedPackets() {
    return malformedPackets;
  }

  /** Ends the session at once, with a reason {@link #closed()} reports; safe on the event loop (no TEARDOWN). */
  public void abort(String reason) {
    connection.closeWith(reason);
  }

  /** TEARDOWN (not waited for long: the camera may be gone), then closes the connection. */
  @Override
  public void close() {
    if (keepAlive != null) keepAlive.cancel(false);
    if (session != null && !connection.closed().isDone()) {
      try {
        connection.send(RtspMethods.TEARDOWN, sdp.sessionUri(base).toString(), headers(RtspMethods.TEARDOWN,
            sdp.sessionUri(base).toString(), Map.of())).get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // the camera is gone or slow: closing the connection ends the session anyway
      }
    }
    connection.close();
  }

  private void onFrame(InterleavedFrame f) {
    Integer track = channelToTrack.get(f.channel());
    if (track == null) {
      Integer rtcp = rtcpChannelToTrack.get(f.channel());
      if (rtcp != null) listener.onRtcp(rtcp, f.data());
      return; // or a channel we did not set up
    }
    RtpPacket p;
    try {
      p = RtpPacket.parse(f.data());
    } catch (IllegalArgumentException e) {
      malformedPackets++;
      return;
    }
    listener.onRtp(track, p);
  }

  private void sendKeepAlive() {
    HttpMethod m = getParameter ? RtspMethods.GET_PARAMETER : RtspMethods.OPTIONS;
    String uri = sdp.sessionUri(base).toString();
    connection.send(m, uri, headers(m, uri, Map.of())).whenComplete((r, e) -> {
      if (e != null) return; // the connection is closing: the session ends anyway
      if (r.status() / 100 == 2) {
        keepAlivesAnswered.incrementAndGet();
      } else {
        log.debug("keep-alive {} answered {}", m, r.statusLine()); // some cameras refuse the method yet keep the session
      }
    });
  }

  private RtspResponse request(HttpMethod method, String uri, Map<String, String> extra) throws RtspException {
    for (int attempt = 0; ; attempt++) {
      RtspResponse r = await(method, connection.send(method, uri, headers(method, uri, extra)));
      if (r.status() == 401) {
        if (authenticator == null) {
          throw new AuthenticationException("the camera requires a user name and password (" + method + " answered "
              + r.statusLine() + "), none configured");
        }
        boolean retry;
        try {
          retry = authenticator.challenge(r.all("WWW-Authenticate"));
        } catch (IllegalArgumentException e) {
          throw new AuthenticationException(e.getMessage());
        }
        if (!retry || attempt >= 2) {
          throw new AuthenticationException("the camera refused user '" + user + "' (" + method + " answered "
              + r.statusLine() + "): check the camera's user name and password");
        }
        continue;
      }
      if (r.status() / 100 != 2) throw new RtspException(method + " " + uri + " answered " + r.statusLine());
      return r;
    }
  }

  private Map<String, String> headers(HttpMethod method, String uri, Map<String, String> extra) {
    Map<String, String> h = new LinkedHashMap<>(extra);
    if (session != null) h.put("Session", session);
    String auth = authenticator == null ? null : authenticator.authorization(method.name(), uri);
    if (auth != null) h.put("Authorization", auth);
    return h;
  }

  private RtspResponse await(HttpMethod method, CompletableFuture<RtspResponse> f) throws RtspException {
    try {
      return f.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connection.close();
      throw new RtspException("interrupted");
    } catch (TimeoutException e) {
      connection.closeWith("no answer to " + method + " within " + options.requestTimeout().toSeconds() + " s");
      throw new RtspException(connection.closeReason());
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RtspException re ? re : new RtspException(RtspConnection.describe(e.getCause()));
    }
  }

  /** RFC 2326 §12.37: {@code Session: id[;timeout=seconds]}. */
  private void readSession(String header) {
    String[] parts = header.split(";");
    session = parts[0].trim();
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("timeout=")) {
        try {
          sessionTimeoutS = Math.max(2, Integer.parseInt(p.substring(8).trim()));
        } catch (NumberFormatException e) {
          sessionTimeoutS = DEFAULT_SESSION_TIMEOUT_S;
        }
      }
    }
  }

  /** The RTP and RTCP channels of a Transport answer's {@code interleaved=a-b}, or the ones asked for. */
  static int[] interleavedChannels(String transport, int asked) {
    int[] fallback = {asked, asked + 1};
    if (transport == null) return fallback;
    for (String p : transport.split(";")) {
      String t = p.trim().toLowerCase(Locale.ROOT);
      if (t.startsWith("interleaved=")) {
        try {
          String[] ab = t.substring(12).split("-");
          int a = Integer.parseInt(ab[0].trim());
          return new int[] {a, ab.length > 1 ? Integer.parseInt(ab[1].trim()) : a + 1};
        } catch (NumberFormatException e) {
          return fallback;
        }
      }
    }
    return fallback;
  }

  private static URI parseUri(String s) throws RtspException {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new RtspException("the camera's Content-Base is not a URL: " + s);
    }
  }

  static URI withoutUserInfo(URI u) {
    if (u.getUserInfo() == null) return u;
    try {
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed URL", e);
    }
  }

  private static Credentials fromUserInfo(URI u) {
    String info = u.getUserInfo();
    if (info == null) return null;
    int colon = info.indexOf(':');
    return colon < 0 ? new Credentials(info, "") : new Credentials(info.substring(0, colon), info.substring(colon + 1));
  }

  /** What the camera offered, for logs. */
  public List<String> describeTracks() {
    List<String> out = new ArrayList<>();
    if (sdp != null) sdp.media().forEach(m -> out.add(m.media() + " " + m.encoding() + "/" + m.clockRate()));
    return out;
  }
}
