package io.ipchls.gateway.onvif;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The few ONVIF operations that turn a camera's address and password into its RTSP URL (ONVIF Core Specification
 * §8, Media Service Specification §5): GetSystemDateAndTime (unauthenticated, to correct the UsernameToken's Created
 * for the device's clock), GetCapabilities for the media service's address, GetProfiles, GetStreamUri
 * (RTP-Unicast over RTSP) and GetSnapshotUri. SOAP 1.2 over HTTP with WS-Security UsernameToken PasswordDigest.
 * GetCapabilities rather than GetServices: every Profile S device answers it, older ones only it.
 */
public final class OnvifClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final URI deviceService;
  private final String username;
  private final String password;
  private final Clock clock;
  private final HttpClient http;
  private Duration clockOffset = Duration.ZERO;
  private URI mediaService;

  /** A media profile: token, name, video encoding (H264, H265, JPEG...) and size, 0 when not given. */
  public record Profile(String token, String name, String encoding, int width, int height) {}

  /**
   * @param deviceService the device service address (see {@link #deviceServiceUri})
   * @param username may be null for a device without authentication
   */
  public OnvifClient(URI deviceService, String username, String password, Clock clock) {
    this.deviceService = deviceService;
    this.username = username;
    this.password = password == null ? "" : password;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public OnvifClient(URI deviceService, String username, String password) {
    this(deviceService, username, password, Clock.systemUTC());
  }

  /**
   * A configured address as a device service URL: {@code host}, {@code host:port} or a full
   * {@code http(s)://host[:port]/path}; without a path, {@code /onvif/device_service} (ONVIF Core §5.1.1).
   *
   * @throws IllegalArgumentException with the reason, for anything else
   */
  public static URI deviceServiceUri(String address) {
    if (address == null || address.isBlank()) throw new IllegalArgumentException("the ONVIF address is empty");
    String a = address.contains("://") ? address : "http://" + address;
    URI u;
    try {
      u = new URI(a);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the ONVIF address is not host[:port] or an http:// URL: " + address);
    }
    if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) || u.getHost() == null) {
      throw new IllegalArgumentException("the ONVIF address must be host[:port] or http(s)://host[:port]/path, got "
          + address);
    }
    if (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/")) {
      u = u.resolve("/onvif/device_service");
    }
    return u;
  }

  /** How far the device's clock is ahead of ours, as GetSystemDateAndTime said (zero before it was asked). */
  public Duration clockOffset() {
    return clockOffset;
  }

  /** GetSystemDateAndTime (ONVIF Core §8.3.8), unauthenticated as §5.12.1 allows; sets {@link #clockOffset()}. */
  public Instant systemDateAndTime() throws OnvifException {
    Document d = call(deviceService, TDS_ACTION + "GetSystemDateAndTime", false,
        "<tds:GetSystemDateAndTime/>");
    Element utc = Soap.first(d, Soap.TT, "UTCDateTime");
    if (utc == null) throw new OnvifException("GetSystemDateAndTime answered without UTCDateTime");
    try {
      Instant device = LocalDateTime.of(number(utc, "Year"), number(utc, "Month"), number(utc, "Day"),
          number(utc, "Hour"), number(utc, "Minute"), number(utc, "Second")).toInstant(ZoneOffset.UTC);
      clockOffset = Duration.between(clock.instant(), device);
      return device;
    } catch (RuntimeException e) {
      throw new OnvifException("GetSystemDateAndTime answered a date that is not one: " + e.getMessage());
    }
  }

  /** The media service's address from GetCapabilities (Category Media, ONVIF Core §8.1.2.3). */
  public URI mediaService() throws OnvifException {
    if (mediaService != null) return mediaService;
    Document d = call(deviceService, TDS_ACTION + "GetCapabilities", true,
        "<tds:GetCapabilities><tds:Category>Media</tds:Category></tds:GetCapabilities>");
    Element media = Soap.first(d, Soap.TT, "Media");
    String xaddr = media == null ? null : Soap.text(media, Soap.TT, "XAddr");
    if (xaddr == null || xaddr.isEmpty()) throw new OnvifException("the device has no media service (GetCapabilities)");
    mediaService = URI.create(xaddr);
    return mediaService;
  }

  /** GetProfiles (Media Service §5.2.1), in the device's order (the main stream first on every camera seen). */
  public List<Profile> profiles() throws OnvifException {
    Document d = call(mediaService(), TRT_ACTION + "GetProfiles", true, "<trt:GetProfiles/>");
    List<Profile> out = new ArrayList<>();
    for (Element p : Soap.all(d, Soap.TRT, "Profiles")) {
      Element video = Soap.first(p, Soap.TT, "VideoEncoderConfiguration");
      Element res = video == null ? null : Soap.first(video, Soap.TT, "Resolution");
      out.add(new Profile(p.getAttribute("token"), String.valueOf(Soap.text(p, Soap.TT, "Name")),
          video == null ? null : Soap.text(video, Soap.TT, "Encoding"),
          res == null ? 0 : number(res, "Width"), res == null ? 0 : number(res, "Height")));
    }
    if (out.isEmpty()) throw new OnvifException("the device has no media profile (GetProfiles)");
    return out;
  }

  /** GetStreamUri (Media Service §5.15.1) for RTP unicast over RTSP. */
  public URI streamUri(String profileToken) throws OnvifException {
    Document d = call(mediaService(), TRT_ACTION + "GetStreamUri", true,
        "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP"
        + "</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>" + Soap.escape(profileToken)
        + "</trt:ProfileToken></trt:GetStreamUri>");
    return uri(d, "GetStreamUri");
  }

  /** GetSnapshotUri (Media Service §5.15.2): a JPEG of the profile's picture over HTTP. */
  public URI snapshotUri(String profileToken) throws OnvifException {
    Document d = call(mediaService(), TRT_ACTION + "GetSnapshotUri", true,
        "<trt:GetSnapshotUri><trt:ProfileToken>" + Soap.escape(profileToken) + "</trt:ProfileToken>"
        + "</trt:GetSnapshotUri>");
    return uri(d, "GetSnapshotUri");
  }

  /**
   * Everything a recorder needs from an address and a password: the device's clock, the media service, the
   * profile (the one named by token or name, else the first) and its RTSP URL.
   *
   * @param profile a profile token or name, or null for the first
   */
  public URI resolveStreamUri(String profile) throws OnvifException {
    try {
      systemDateAndTime();
    } catch (OnvifException e) {
      if (e.unauthorized()) throw e;
      // a device that does not tell its time: our clock has to do
    }
    List<Profile> all = profiles();
    Profile chosen = all.get(0);
    if (profile != null) {
      chosen = all.stream().filter(p -> p.token().equals(profile) || p.name().equals(profile)).findFirst()
          .orElseThrow(() -> new OnvifException("the device has no profile '" + profile + "'; it has "
              + all.stream().map(p -> p.token() + " (" + p.name() + ")").toList()));
    }
    return streamUri(chosen.token());
  }

  private static final String TDS_ACTION = Soap.TDS + "/";
  private static final String TRT_ACTION = Soap.TRT + "/";

  private Document call(URI service, String action, boolean authenticated, String body) throws OnvifException {
    String op = action.substring(action.lastIndexOf('/') + 1);
    String header = authenticated && username != null
        ? UsernameToken.header(username, password, clock.instant().plus(clockOffset)) : null;
    HttpRequest request = HttpRequest.newBuilder(service).timeout(TIMEOUT)
        // SOAP 1.2 Part 2 §7.1.4: the action travels as a parameter of the media type
        .header("Content-Type", "application/soap+xml; charset=utf-8; action=\"" + action + "\"")
        .POST(HttpRequest.BodyPublishers.ofString(Soap.envelope(header, body))).build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new OnvifException(op + ": cannot reach the ONVIF device at " + service + ": " + e, false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OnvifException(op + " interrupted", false, e);
    }
    Document d;
    try {
      d = Soap.parse(response.body());
    } catch (IOException e) {
      if (response.statusCode() == 401) throw refused(op, "HTTP 401");
      throw new OnvifException(op + ": the device at " + service + " answered HTTP " + response.statusCode()
          + " that is not SOAP: " + e.getMessage());
    }
    Element fault = Soap.first(d, Soap.ENV, "Fault");
    if (fault != null) {
      String reason = Soap.text(fault, Soap.ENV, "Text");
      List<String> codes = Soap.all(fault, Soap.ENV, "Value").stream().map(e -> e.getTextContent().trim()).toList();
      // ONVIF Core §5.11.2.2: env:Sender / ter:NotAuthorized for a refused UsernameToken
      if (response.statusCode() == 401 || codes.stream().anyMatch(c -> c.endsWith(":NotAuthorized"))) {
        throw refused(op, reason);
      }
      throw new OnvifException(op + " failed: " + codes + " " + reason);
    }
    if (response.statusCode() == 401) throw refused(op, "HTTP 401");
    if (response.statusCode() != 200) throw new OnvifException(op + ": HTTP " + response.statusCode());
    return d;
  }

  private OnvifException refused(String op, String reason) {
    return new OnvifException("the ONVIF device refused user '" + username + "' (" + op + ": " + reason + ")", true,
        null);
  }

  private static URI uri(Document d, String op) throws OnvifException {
    Element media = Soap.first(d, Soap.TRT, "MediaUri");
    String uri = media == null ? null : Soap.text(media, Soap.TT, "Uri");
    if (uri == null || uri.isEmpty()) throw new OnvifException(op + " answered without a URI");
    try {
      return new URI(uri);
    } catch (java.net.URISyntaxException e) {
      throw new OnvifException(op + " answered a URI that is not one: " + uri);
    }
  }

  private static int number(Element parent, String local) {
    String t = Soap.text(parent, Soap.TT, local);
    if (t == null) throw new IllegalArgumentException("no " + local);
    return Integer.parseInt(t);
  }
}
