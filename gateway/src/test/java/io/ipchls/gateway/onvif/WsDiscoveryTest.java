package io.ipchls.gateway.onvif;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The probe against a stand-in responder on loopback (unicast: multicast routing cannot be relied on in CI): it
 * answers each Probe for NetworkVideoTransmitter with the ProbeMatches a camera sends (WS-Discovery §5.3), plus
 * one unrelated message that must be ignored.
 */
class WsDiscoveryTest {
  @Test
  void probe_findsTheDeviceAndItsAddress_ignoresOtherTraffic() throws Exception {
    AtomicReference<String> probeTypes = new AtomicReference<>();
    try (DatagramSocket responder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Thread t = new Thread(() -> {
        try {
          byte[] buf = new byte[65_535];
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          responder.receive(p);
          Document probe = Soap.parse(Arrays.copyOf(p.getData(), p.getLength()));
          probeTypes.set(Soap.text(probe, WsDiscovery.WSD, "Types"));
          String id = Soap.text(probe, WsDiscovery.WSA, "MessageID");
          for (String reply : List.of(matches("urn:uuid:someone-else"), matches(id), matches(id))) {
            byte[] b = reply.getBytes(StandardCharsets.UTF_8);
            responder.send(new DatagramPacket(b, b.length, p.getSocketAddress()));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      List<WsDiscovery.Device> found = WsDiscovery.probe(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), responder.getLocalPort()), Duration.ofSeconds(2));
      t.join(10_000);
      assertEquals("dn:NetworkVideoTransmitter", probeTypes.get());
      assertEquals(1, found.size(), "one device, answering twice, and one answer to another probe: " + found);
      WsDiscovery.Device d = found.get(0);
      assertEquals("urn:uuid:4a6f2a5e-0000-1000-8000-001122334455", d.endpoint());
      assertEquals(List.of("http://192.168.1.64/onvif/device_service", "http://[fe80::1]/onvif/device_service"),
          d.xaddrs());
      assertEquals("Front Door", d.scope("name"));
      assertEquals("DS-2CD2043", d.scope("hardware"));
    }
  }

  /** A ProbeMatches as cameras send it. */
  private static String matches(String relatesTo) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"" + Soap.ENV
        + "\" xmlns:wsa=\"" + WsDiscovery.WSA + "\" xmlns:wsdd=\"" + WsDiscovery.WSD
        + "\" xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\"><SOAP-ENV:Header>"
        + "<wsa:MessageID>urn:uuid:7c1a0000-0000-1000-8000-001122334455</wsa:MessageID>"
        + "<wsa:RelatesTo>" + relatesTo + "</wsa:RelatesTo>"
        + "<wsa:To SOAP-ENV:mustUnderstand=\"true\">" + WsDiscovery.WSA + "/role/anonymous</wsa:To>"
        + "<wsa:Action SOAP-ENV:mustUnderstand=\"true\">" + WsDiscovery.WSD + "/ProbeMatches</wsa:Action>"
        + "</SOAP-ENV:Header><SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsa:EndpointReference>"
        + "<wsa:Address>urn:uuid:4a6f2a5e-0000-1000-8000-001122334455</wsa:Address></wsa:EndpointReference>"
        + "<wsdd:Types>dn:NetworkVideoTransmitter</wsdd:Types><wsdd:Scopes>onvif://www.onvif.org/type/video_encoder"
        + " onvif://www.onvif.org/name/Front%20Door onvif://www.onvif.org/hardware/DS-2CD2043</wsdd:Scopes>"
        + "<wsdd:XAddrs>http://192.168.1.64/onvif/device_service http://[fe80::1]/onvif/device_service</wsdd:XAddrs>"
        + "<wsdd:MetadataVersion>10</wsdd:MetadataVersion></wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body>"
        + "</SOAP-ENV:Envelope>";
  }
}
