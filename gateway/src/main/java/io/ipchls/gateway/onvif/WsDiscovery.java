package io.ipchls.gateway.onvif;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * WS-Discovery Probe for ONVIF video transmitters (WS-Discovery April 2005 §5.2, ONVIF Core §7.3): one Probe for
 * {@code dn:NetworkVideoTransmitter} sent over UDP to the multicast group 239.255.255.250:3702, and the ProbeMatches
 * that arrive within the timeout, unicast to the sending socket. Only run when asked ({@code ipchls-gateway
 * discover}): a gateway never announces or probes on its own.
 */
public final class WsDiscovery {
  public static final InetSocketAddress MULTICAST = new InetSocketAddress("239.255.255.250", 3702);
  static final String WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  static final String WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery";
  /** Large enough for any ProbeMatches a camera sends (they are a few kB). */
  private static final int MAX_DATAGRAM = 65_535;

  private WsDiscovery() {}

  /**
   * A device that answered.
   *
   * @param endpoint its EndpointReference address (a urn:uuid)
   * @param xaddrs its device service addresses
   * @param scopes its scopes (onvif://www.onvif.org/name/..., /hardware/..., /location/...)
   */
  public record Device(String endpoint, List<String> xaddrs, List<String> scopes) {
    /** The value of the first scope {@code onvif://www.onvif.org/<kind>/<value>}, URL-decoded, or null. */
    public String scope(String kind) {
      String prefix = "onvif://www.onvif.org/" + kind + "/";
      return scopes.stream().filter(s -> s.startsWith(prefix)).findFirst()
          .map(s -> java.net.URLDecoder.decode(s.substring(prefix.length()), StandardCharsets.UTF_8)).orElse(null);
    }
  }

  /** The Probe message (WS-Discovery §5.2.1) with its MessageID. */
  static String probe(String messageId) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"" + Soap.ENV + "\" xmlns:a=\"" + WSA
        + "\" xmlns:d=\"" + WSD + "\" xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\"><s:Header>"
        + "<a:Action s:mustUnderstand=\"1\">" + WSD + "/Probe</a:Action><a:MessageID>" + messageId + "</a:MessageID>"
        + "<a:ReplyTo><a:Address>" + WSA + "/role/anonymous</a:Address></a:ReplyTo>"
        + "<a:To s:mustUnderstand=\"1\">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>"
        + "<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>";
  }

  /**
   * Sends one Probe to {@code target} (normally {@link #MULTICAST}) and collects the matches that relate to it until
   * {@code timeout} has passed; each device once (by endpoint). Answers that are not ProbeMatches for this probe
   * are ignored.
   */
  public static List<Device> probe(InetSocketAddress target, Duration timeout) throws IOException {
    String id = "urn:uuid:" + UUID.randomUUID();
    byte[] message = probe(id).getBytes(StandardCharsets.UTF_8);
    Map<String, Device> found = new LinkedHashMap<>();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(
        target.getAddress().isLoopbackAddress() ? InetAddress.getLoopbackAddress() : null, 0))) {
      socket.send(new DatagramPacket(message, message.length, target));
      long end = System.nanoTime() + timeout.toNanos();
      byte[] buf = new byte[MAX_DATAGRAM];
      while (true) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) break;
        socket.setSoTimeout((int) Math.max(1, left));
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(p);
        } catch (SocketTimeoutException e) {
          break;
        }
        for (Device d : matches(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()), id)) {
          found.putIfAbsent(d.endpoint(), d);
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  /** The ProbeMatch entries of a ProbeMatches message relating to {@code messageId}; empty for anything else. */
  static List<Device> matches(byte[] datagram, String messageId) {
    Document d;
    try {
      d = Soap.parse(datagram);
    } catch (IOException e) {
      return List.of(); // not XML: someone else's traffic on the port
    }
    if (!messageId.equals(Soap.text(d, WSA, "RelatesTo"))) return List.of();
    List<Device> out = new ArrayList<>();
    for (Element m : Soap.all(d, WSD, "ProbeMatch")) {
      String xaddrs = Soap.text(m, WSD, "XAddrs");
      if (xaddrs == null || xaddrs.isEmpty()) continue; // WS-Discovery §5.3: a device may omit them; ONVIF requires
      String endpoint = String.valueOf(Soap.text(m, WSA, "Address"));
      String scopes = Soap.text(m, WSD, "Scopes");
      out.add(new Device(endpoint, List.of(xaddrs.split("\\s+")),
          scopes == null || scopes.isEmpty() ? List.of() : List.of(scopes.split("\\s+"))));
    }
    return out;
  }
}
