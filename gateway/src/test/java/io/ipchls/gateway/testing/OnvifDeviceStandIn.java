package io.ipchls.gateway.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ipchls.gateway.onvif.Soap;
import io.ipchls.gateway.onvif.UsernameToken;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A stand-in for an ONVIF camera's device and media services (there is no ONVIF camera in the test environment): a
 * real HTTP server on 127.0.0.1 answering GetSystemDateAndTime, GetCapabilities, GetProfiles, GetStreamUri and
 * GetSnapshotUri with responses shaped as the ONVIF Core and Media WSDLs define them (and as cameras send them: a
 * main and a sub stream profile, prefixes of the device's own choosing). Every operation but GetSystemDateAndTime
 * requires a WS-Security UsernameToken whose PasswordDigest it recomputes, and whose Created must be within five
 * minutes of its own clock, which can run ahead of the test's (a camera with a wrong clock); a refused token gets
 * the SOAP fault ONVIF Core §5.11.2.2 defines (env:Sender / ter:NotAuthorized). Its stream URI points at a real RTSP
 * server.
 */
public final class OnvifDeviceStandIn implements AutoCloseable {
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);
  private final HttpServer server;
  private final String username;
  private final String password;
  private final Duration clockAhead;
  private final URI streamUri;
  /** Requests whose UsernameToken was checked and accepted. */
  public final AtomicInteger authenticated = new AtomicInteger();
  /** Requests refused for their UsernameToken. */
  public final AtomicInteger refused = new AtomicInteger();

  /**
   * @param streamUri the RTSP URL of the main stream profile
   * @param clockAhead how far the device's clock runs ahead of the real time
   */
  public OnvifDeviceStandIn(String username, String password, URI streamUri, Duration clockAhead) throws IOException {
    this.username = username;
    this.password = password;
    this.streamUri = streamUri;
    this.clockAhead = clockAhead;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/onvif/device_service", this::handle);
    server.createContext("/onvif/media_service", this::handle);
    server.start();
  }

  /** host:port, what a user types. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public URI deviceService() {
    return URI.create("http://" + address() + "/onvif/device_service");
  }

  public URI snapshotUri() {
    return URI.create("http://" + address() + "/onvif/snapshot?token=main");
  }

  private Instant now() {
    return Instant.now().plus(clockAhead);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      byte[] request = x.getRequestBody().readAllBytes();
      Document d;
      try {
        d = Soap.parse(request);
      } catch (IOException e) {
        send(x, 400, fault("env:Sender", "ter:WellFormed", "not XML"));
        return;
      }
      Element body = Soap.first(d, Soap.ENV, "Body");
      Element op = body == null ? null : firstChild(body);
      if (op == null) {
        send(x, 400, fault("env:Sender", "ter:InvalidArgVal", "no operation"));
        return;
      }
      String name = op.getLocalName();
      if (!name.equals("GetSystemDateAndTime") && !authorized(d)) {
        refused.incrementAndGet();
        send(x, 400, fault("env:Sender", "ter:NotAuthorized", "Sender not Authorized"));
        return;
      }
      String answer = switch (name) {
        case "GetSystemDateAndTime" -> dateAndTime();
        case "GetCapabilities" -> "<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>"
            + deviceService() + "</tt:XAddr></tt:Device><tt:Media><tt:XAddr>http://" + address()
            + "/onvif/media_service</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>"
            + "<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities>"
            + "</tt:Media></tds:Capabilities></tds:GetCapabilitiesResponse>";
        case "GetProfiles" -> "<trt:GetProfilesResponse>" + profile("main", "MainStream", 320, 240)
            + profile("sub", "SubStream", 160, 120) + "</trt:GetProfilesResponse>";
        case "GetStreamUri" -> token(op).equals("main") ? "<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>"
            + Soap.escape(streamUri.toString()) + "</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
            + "<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>"
            + "</trt:GetStreamUriResponse>" : null;
        case "GetSnapshotUri" -> "<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>"
            + Soap.escape(URI.create("http://" + address() + "/onvif/snapshot?token=" + token(op)).toString())
            + "</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false"
            + "</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>";
        default -> null;
      };
      if (answer == null) {
        send(x, 400, fault("env:Sender", "ter:InvalidArgVal", "no such operation or profile: " + name));
        return;
      }
      send(x, 200, envelope(answer));
    }
  }

  private static Element firstChild(Element e) {
    for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) return c;
    }
    return null;
  }

  private static String token(Element op) {
    return String.valueOf(Soap.text(op, Soap.TRT, "ProfileToken"));
  }

  /** The UsernameToken checked as a camera does: user, digest over nonce+created+password, Created near its clock. */
  private boolean authorized(Document d) {
    String wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    String wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    Element token = Soap.first(d, wsse, "UsernameToken");
    if (token == null) return false;
    String user = Soap.text(token, wsse, "Username");
    String digest = Soap.text(token, wsse, "Password");
    String nonce = Soap.text(token, wsse, "Nonce");
    String created = Soap.text(token, wsu, "Created");
    if (user == null || digest == null || nonce == null || created == null || !user.equals(username)) return false;
    try {
      if (Duration.between(Instant.parse(created), now()).abs().compareTo(MAX_SKEW) > 0) return false;
      boolean ok = UsernameToken.digest(Base64.getDecoder().decode(nonce), created, password).equals(digest);
      if (ok) authenticated.incrementAndGet();
      return ok;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private String dateAndTime() {
    ZonedDateTime t = now().atZone(ZoneOffset.UTC);
    return "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
        + "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>"
        + "<tt:UTCDateTime><tt:Time><tt:Hour>" + t.getHour() + "</tt:Hour><tt:Minute>" + t.getMinute()
        + "</tt:Minute><tt:Second>" + t.getSecond() + "</tt:Second></tt:Time><tt:Date><tt:Year>" + t.getYear()
        + "</tt:Year><tt:Month>" + t.getMonthValue() + "</tt:Month><tt:Day>" + t.getDayOfMonth()
        + "</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>";
  }

  private static String profile(String token, String name, int width, int height) {
    return "<trt:Profiles token=\"" + token + "\" fixed=\"true\"><tt:Name>" + name + "</tt:Name>"
        + "<tt:VideoSourceConfiguration token=\"VideoSourceConfig\"><tt:Name>VideoSourceConfig</tt:Name>"
        + "<tt:UseCount>2</tt:UseCount><tt:SourceToken>VideoSource_1</tt:SourceToken>"
        + "<tt:Bounds x=\"0\" y=\"0\" width=\"320\" height=\"240\"/></tt:VideoSourceConfiguration>"
        + "<tt:VideoEncoderConfiguration token=\"VideoEncoder_" + token + "\"><tt:Name>VideoEncoder_" + token
        + "</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>" + width
        + "</tt:Width><tt:Height>" + height + "</tt:Height></tt:Resolution><tt:Quality>4</tt:Quality>"
        + "<tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval>"
        + "<tt:BitrateLimit>300</tt:BitrateLimit></tt:RateControl><tt:H264><tt:GovLength>25</tt:GovLength>"
        + "<tt:H264Profile>Main</tt:H264Profile></tt:H264><tt:SessionTimeout>PT60S</tt:SessionTimeout>"
        + "</tt:VideoEncoderConfiguration></trt:Profiles>";
  }

  /** Prefixes as a camera chooses them (env, tds, trt, tt, ter). */
  private static String envelope(String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><env:Envelope xmlns:env=\"" + Soap.ENV + "\" xmlns:tds=\""
        + Soap.TDS + "\" xmlns:trt=\"" + Soap.TRT + "\" xmlns:tt=\"" + Soap.TT
        + "\" xmlns:ter=\"http://www.onvif.org/ver10/error\"><env:Body>" + body + "</env:Body></env:Envelope>";
  }

  private static String fault(String code, String subcode, String reason) {
    return envelope("<env:Fault><env:Code><env:Value>" + code + "</env:Value><env:Subcode><env:Value>" + subcode
        + "</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang=\"en\">" + reason
        + "</env:Text></env:Reason></env:Fault>");
  }

  private static void send(HttpExchange x, int status, String xml) throws IOException {
    byte[] b = xml.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/soap+xml; charset=utf-8");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
