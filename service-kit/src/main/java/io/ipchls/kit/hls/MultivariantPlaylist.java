package io.ipchls.kit.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes an HLS multivariant playlist (RFC 8216 §4.3.4.2, "Master Playlist" there): one {@code EXT-X-STREAM-INF} per
 * variant, with what a player needs to choose a variant or to refuse one it cannot decode before it loads any media.
 */
public final class MultivariantPlaylist {
  /**
   * One variant stream. {@code bandwidth}: the peak segment bit rate in bits/s (§4.3.4.2: REQUIRED); the others are
   * optional (null or 0: left out): {@code averageBandwidth} in bits/s, {@code codecs} an RFC 6381 codecs list of every
   * format in the variant, {@code width}x{@code height} the largest picture, {@code frameRate} the largest frame rate.
   */
  public record Variant(String uri, long bandwidth, long averageBandwidth, String codecs, int width, int height,
      double frameRate) {
    public Variant {
      if (uri == null || uri.isBlank() || uri.indexOf('\n') >= 0 || uri.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("variant URI must be one non-empty line");
      }
      if (bandwidth <= 0) throw new IllegalArgumentException("bandwidth must be > 0 bits/s");
      if (codecs != null && (codecs.isEmpty() || codecs.indexOf('"') >= 0 || codecs.indexOf('\n') >= 0)) {
        throw new IllegalArgumentException("codecs must be a non-empty quoted-string");
      }
    }
  }

  /**
   * An I-frame stream, RFC 8216 §4.3.4.3 {@code EXT-X-I-FRAME-STREAM-INF}: its I-frame playlist's URI and the
   * attributes of EXT-X-STREAM-INF that apply (§4.3.4.3: all but FRAME-RATE, AUDIO, SUBTITLES, CLOSED-CAPTIONS);
   * {@code bandwidth} is the peak I-frame bit rate (an I-frame's bytes over its EXTINF), {@code codecs} the video's.
   */
  public record IFrameStream(String uri, long bandwidth, long averageBandwidth, String codecs, int width, int height) {
    public IFrameStream {
      if (uri == null || uri.isBlank() || uri.indexOf('"') >= 0 || uri.indexOf('\n') >= 0 || uri.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("I-frame stream URI must be a quoted-string");
      }
      if (bandwidth <= 0) throw new IllegalArgumentException("bandwidth must be > 0 bits/s");
      if (codecs != null && (codecs.isEmpty() || codecs.indexOf('"') >= 0 || codecs.indexOf('\n') >= 0)) {
        throw new IllegalArgumentException("codecs must be a non-empty quoted-string");
      }
    }
  }

  private final List<Variant> variants = new ArrayList<>();
  private final List<IFrameStream> iFrameStreams = new ArrayList<>();

  public MultivariantPlaylist iFrameStream(IFrameStream s) {
    iFrameStreams.add(s);
    return this;
  }

  public MultivariantPlaylist variant(Variant v) {
    variants.add(v);
    return this;
  }

  public String render() {
    StringBuilder out = new StringBuilder(256);
    out.append("#EXTM3U\n");
    for (Variant v : variants) {
      // §4.3.4.2 attribute order is free; the common order, BANDWIDTH first
      out.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(v.bandwidth());
      if (v.averageBandwidth() > 0) out.append(",AVERAGE-BANDWIDTH=").append(v.averageBandwidth());
      if (v.codecs() != null) out.append(",CODECS=\"").append(v.codecs()).append('"');
      // §4.3.4.2: RESOLUTION is a decimal-resolution, FRAME-RATE a decimal-floating-point "rounded to three decimal
      // places"
      if (v.width() > 0 && v.height() > 0) out.append(",RESOLUTION=").append(v.width()).append('x').append(v.height());
      if (v.frameRate() > 0) out.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", v.frameRate()));
      out.append('\n').append(v.uri()).append('\n');
    }
    for (IFrameStream s : iFrameStreams) {
      out.append("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=").append(s.bandwidth());
      if (s.averageBandwidth() > 0) out.append(",AVERAGE-BANDWIDTH=").append(s.averageBandwidth());
      if (s.codecs() != null) out.append(",CODECS=\"").append(s.codecs()).append('"');
      if (s.width() > 0 && s.height() > 0) out.append(",RESOLUTION=").append(s.width()).append('x').append(s.height());
      out.append(",URI=\"").append(s.uri()).append("\"\n");
    }
    return out.toString();
  }
}
