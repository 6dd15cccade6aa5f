package io.ipchls.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ipchls.gateway.record.RecorderState;
import io.ipchls.gateway.record.RecorderStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The gateway's HTTP status on 127.0.0.1 (the JDK's server: a few small routes need no framework):
 * {@code GET /status} JSON, one object per camera ({@link RecorderStatus}); {@code GET /metrics} the same as
 * Prometheus text exposition format 0.0.4; and the control route {@code POST /cameras/{id}/trigger}
 * ({@link TriggerRoute}), which needs the config's {@code controlToken} as a bearer token.
 */
public final class StatusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;

  /** Status and metrics only; the control routes answer 403. */
  public StatusServer(int port, Supplier<List<RecorderStatus>> status) throws IOException {
    this(port, status, null, id -> Gateway.TriggerResult.UNKNOWN_CAMERA);
  }

  /**
   * @param controlToken the control routes' bearer token, or null to refuse them (403)
   * @param trigger triggers event-only recording of a camera
   */
  public StatusServer(int port, Supplier<List<RecorderStatus>> status, String controlToken,
      Function<String, Gateway.TriggerResult> trigger) throws IOException {
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    server.createContext("/status", ex -> reply(ex, "application/json", JSON.writeValueAsBytes(status.get())));
    server.createContext("/metrics", ex -> reply(ex, "text/plain; version=0.0.4; charset=utf-8",
        metrics(status.get()).getBytes(StandardCharsets.UTF_8)));
    server.createContext("/cameras/", new TriggerRoute(controlToken, trigger));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static String metrics(List<RecorderStatus> cameras) {
    StringBuilder b = new StringBuilder();
    gauge(b, "ipchls_gateway_camera_connected", "1 while the camera's RTSP session plays", cameras,
        s -> s.connected() ? 1 : 0);
    gauge(b, "ipchls_gateway_camera_recording", "1 while segments are being cut", cameras, s -> s.recording() ? 1 : 0);
    counter(b, "ipchls_gateway_camera_reconnects_total", "RTSP sessions started again", cameras, RecorderStatus::reconnects);
    counter(b, "ipchls_gateway_camera_segments_uploaded_total", "segments stored", cameras,
        RecorderStatus::segmentsUploaded);
    counter(b, "ipchls_gateway_camera_rtp_packets_lost_total", "RTP packets lost", cameras, RecorderStatus::packetsLost);
    gauge(b, "ipchls_gateway_camera_bitrate_bits_per_second", "received media bitrate", cameras,
        s -> s.bitrateKbps() * 1000);
    gauge(b, "ipchls_gateway_camera_spool_bytes", "bytes waiting in the spool", cameras, RecorderStatus::spoolBytes);
    gauge(b, "ipchls_gateway_camera_last_segment_start_seconds", "start of the last stored segment", cameras,
        s -> s.lastSegmentStart() / 1000);
    b.append("# HELP ipchls_gateway_camera_state 1 for the camera's current state\n");
    b.append("# TYPE ipchls_gateway_camera_state gauge\n");
    for (RecorderStatus s : cameras) {
      for (RecorderState state : RecorderState.values()) {
        b.append("ipchls_gateway_camera_state{camera=\"").append(s.id()).append("\",state=\"").append(state.name())
            .append("\"} ").append(state.name().equals(s.state()) ? 1 : 0).append('\n');
      }
    }
    return b.toString();
  }

  private static void gauge(StringBuilder b, String name, String help, List<RecorderStatus> cameras,
      ToLongFunction<RecorderStatus> value) {
    series(b, name, help, "gauge", cameras, value);
  }

  private static void counter(StringBuilder b, String name, String help, List<RecorderStatus> cameras,
      ToLongFunction<RecorderStatus> value) {
    series(b, name, help, "counter", cameras, value);
  }

  private static void series(StringBuilder b, String name, String help, String type, List<RecorderStatus> cameras,
      ToLongFunction<RecorderStatus> value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    for (RecorderStatus s : cameras) {
      // camera ids are [a-z0-9_-]: nothing to escape in the label value
      b.append(name).append("{camera=\"").append(s.id()).append("\"} ").append(value.applyAsLong(s)).append('\n');
    }
  }

  private static void reply(HttpExchange ex, String type, byte[] body) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
