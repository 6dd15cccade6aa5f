package io.ipchls.gateway.sdp;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DESCRIBE answer's session description (RFC 8866), as far as an RTSP client needs it: the session-level control
 * URL and each media section's format and control URL.
 *
 * @param control the session-level {@code a=control}, or null
 * @param media the media sections in order
 */
public record SessionDescription(String control, List<MediaDescription> media) {
  public SessionDescription {
    media = List.copyOf(media);
  }

  /**
   * Parses SDP text. Lines may end in CRLF or LF (cameras use both); unknown lines are ignored.
   *
   * @throws IllegalArgumentException when there is no media section, or one is malformed
   */
  public static SessionDescription parse(String sdp) {
    String sessionControl = null;
    List<Builder> sections = new ArrayList<>();
    Builder current = null;
    for (String raw : sdp.split("\r?\n")) {
      String line = raw.strip();
      if (line.length() < 2 || line.charAt(1) != '=') continue;
      String value = line.substring(2);
      switch (line.charAt(0)) {
        case 'm' -> {
          current = new Builder(value);
          sections.add(current);
        }
        case 'a' -> {
          if (current == null) {
            if (value.startsWith("control:")) sessionControl = value.substring("control:".length()).strip();
          } else {
            current.attribute(value);
          }
        }
        default -> { }
      }
    }
    if (sections.isEmpty()) throw new IllegalArgumentException("the session description has no media section (m=)");
    return new SessionDescription(sessionControl, sections.stream().map(Builder::build).toList());
  }

  /**
   * The URL to SETUP a media section with (RFC 7826 §C.1.1 and §18.30): its control if absolute; the base (Content-Base,
   * else Content-Location, else the DESCRIBE URL) for {@code *} or none; else the control appended to the base with
   * a '/' between them. The '/' is what live555 and ffmpeg do: many cameras send a Content-Base without the trailing
   * slash that RFC 3986 resolution would need, and would otherwise lose their stream's path.
   */
  public static URI resolve(URI base, String control) {
    if (control == null || control.isEmpty() || control.equals("*")) return base;
    if (control.regionMatches(true, 0, "rtsp://", 0, 7) || control.regionMatches(true, 0, "rtsps://", 0, 8)) {
      return URI.create(control);
    }
    String b = base.toString();
    return URI.create(b.endsWith("/") ? b + control : b + "/" + control);
  }

  /** The URL for the aggregate PLAY: the session control resolved against the base, or the base itself. */
  public URI sessionUri(URI base) {
    return resolve(base, control);
  }

  private static final class Builder {
    private final String media;
    private final int payloadType;
    private String encoding;
    private int clockRate;
    private int channels = 1;
    private final Map<String, String> fmtp = new HashMap<>();
    private String control;

    Builder(String mLine) {
      // RFC 8866 §5.14: m=<media> <port> <proto> <fmt> ...
      String[] f = mLine.trim().split("\\s+");
      if (f.length < 4) throw new IllegalArgumentException("malformed media line m=" + mLine);
      media = f[0].toLowerCase(Locale.ROOT);
      try {
        payloadType = Integer.parseInt(f[3]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("media line m=" + mLine + " has no RTP payload type");
      }
      switch (payloadType) { // RFC 3551 §6 Table 4: static types need no rtpmap
        case 0 -> staticType("PCMU", 8000);
        case 8 -> staticType("PCMA", 8000);
        default -> { }
      }
    }

    private void staticType(String name, int rate) {
      encoding = name;
      clockRate = rate;
    }

    void attribute(String a) {
      if (a.startsWith("control:")) {
        control = a.substring("control:".length()).strip();
      } else if (a.startsWith("rtpmap:")) {
        // RFC 8866 §6.6: rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
        String[] f = a.substring("rtpmap:".length()).strip().split("\\s+", 2);
        if (f.length < 2 || !f[0].equals(Integer.toString(payloadType))) return;
        String[] enc = f[1].split("/");
        encoding = enc[0].toUpperCase(Locale.ROOT);
        if (enc.length > 1) clockRate = number(enc[1], a);
        if (enc.length > 2) channels = number(enc[2], a);
      } else if (a.startsWith("fmtp:")) {
        String[] f = a.substring("fmtp:".length()).strip().split("\\s+", 2);
        if (f.length < 2 || !f[0].equals(Integer.toString(payloadType))) return;
        for (String param : f[1].split(";")) {
          int eq = param.indexOf('=');
          if (eq <= 0) continue;
          fmtp.put(param.substring(0, eq).strip().toLowerCase(Locale.ROOT), param.substring(eq + 1).strip());
        }
      }
    }

    MediaDescription build() {
      return new MediaDescription(media, payloadType, encoding == null ? "" : encoding, clockRate, channels, fmtp,
          control);
    }

    private static int number(String s, String line) {
      try {
        return Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed a=" + line);
      }
    }
  }
}
