package io.ipchls.gateway.onvif;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * SOAP 1.2 envelopes (W3C SOAP 1.2 Part 1 §5) written by hand and read with the JDK's DOM parser, with DOCTYPEs
 * refused outright: no external entity, no entity expansion (XXE and "billion laughs" safe; ONVIF messages never
 * carry a DOCTYPE, SOAP 1.2 Part 1 §5 forbids it). Elements are found by namespace URI and local name, whatever
 * prefixes a device chose.
 */
public final class Soap {
  public static final String ENV = "http://www.w3.org/2003/05/soap-envelope";
  public static final String TDS = "http://www.onvif.org/ver10/device/wsdl";
  public static final String TRT = "http://www.onvif.org/ver10/media/wsdl";
  public static final String TT = "http://www.onvif.org/ver10/schema";

  private Soap() {}

  /** An envelope with an optional header block and a body. */
  static String envelope(String header, String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"" + ENV + "\" xmlns:tds=\"" + TDS
        + "\" xmlns:trt=\"" + TRT + "\" xmlns:tt=\"" + TT + "\">"
        + (header == null ? "" : "<s:Header>" + header + "</s:Header>")
        + "<s:Body>" + body + "</s:Body></s:Envelope>";
  }

  /**
   * Parses untrusted XML.
   *
   * @throws IOException when it is not well-formed or has a DOCTYPE
   */
  public static Document parse(byte[] xml) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new ByteArrayInputStream(xml));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a security feature", e);
    } catch (SAXException e) {
      throw new IOException("not a valid XML document: " + e.getMessage(), e);
    }
  }

  /** Every descendant element {namespace}local, in document order. */
  public static List<Element> all(Node root, String namespace, String local) {
    NodeList l = root instanceof Document d ? d.getElementsByTagNameNS(namespace, local)
        : ((Element) root).getElementsByTagNameNS(namespace, local);
    List<Element> out = new ArrayList<>(l.getLength());
    for (int i = 0; i < l.getLength(); i++) out.add((Element) l.item(i));
    return out;
  }

  /** The first descendant {namespace}local, or null. */
  public static Element first(Node root, String namespace, String local) {
    List<Element> l = all(root, namespace, local);
    return l.isEmpty() ? null : l.get(0);
  }

  /** The trimmed text of the first descendant {namespace}local, or null. */
  public static String text(Node root, String namespace, String local) {
    Element e = first(root, namespace, local);
    return e == null ? null : e.getTextContent().trim();
  }

  /** XML character escaping for text and attribute values (XML 1.0 §2.4). */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
