package io.ipchls.gateway.sdp;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One {@code m=} section of a session description (RFC 8866 §5.14), reduced to its first format.
 *
 * @param media {@code video}, {@code audio}, ...
 * @param payloadType the first format's RTP payload type
 * @param encoding its encoding name from {@code a=rtpmap} in upper case ({@code H264}, {@code H265},
 *     {@code MPEG4-GENERIC}, {@code PCMA}, {@code PCMU}), or the static one of RFC 3551 Table 4
 * @param clockRate its clock rate in Hz
 * @param channels audio channels (1 when not given)
 * @param fmtp its {@code a=fmtp} parameters, names in lower case (RFC 8866 §6.15: names are case-insensitive)
 * @param control the {@code a=control} attribute as written (RFC 7826 §C.1.1), or null
 */
public record MediaDescription(String media, int payloadType, String encoding, int clockRate, int channels,
    Map<String, String> fmtp, String control) {
  public MediaDescription {
    fmtp = Map.copyOf(fmtp);
  }

  /**
   * H.264's {@code sprop-parameter-sets} (RFC 6184 §8.1) or H.265's {@code sprop-vps}, {@code sprop-sps},
   * {@code sprop-pps} (RFC 7798 §7.1), decoded, in that order; empty when absent.
   *
   * @throws IllegalArgumentException for base64 that does not decode
   */
  public List<byte[]> parameterSets() {
    List<byte[]> out = new ArrayList<>();
    for (String name : List.of("sprop-parameter-sets", "sprop-vps", "sprop-sps", "sprop-pps")) {
      String value = fmtp.get(name);
      if (value == null) continue;
      for (String part : value.split(",")) {
        if (part.isBlank()) continue;
        try {
          out.add(Base64.getDecoder().decode(part.trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(name + " is not base64: " + part);
        }
      }
    }
    return out;
  }
}
