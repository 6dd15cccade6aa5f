package io.ipchls.ingest.callbacks;

import io.ipchls.kit.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where webhooks may be delivered. A webhook URL is chosen by whoever holds the admin token, and ingest then sends
 * requests from inside the operator's network: to a loopback, private, link-local (the cloud metadata service at
 * 169.254.169.254), carrier-grade NAT, unique-local, multicast or unspecified address, that would reach services no
 * outside caller can (server-side request forgery). Such addresses are refused unless they lie in an allow-listed
 * range ({@code callbacks.allowedTargets}, CIDRs). The check runs on the addresses a name resolves to, at registration
 * and again at every delivery, and the delivery connects to the address it checked (no second lookup that DNS could
 * answer differently).
 */
public final class WebhookTargets {
  /** Why a target was refused; the message names the address and its range. */
  public static final class TargetRefused extends RuntimeException {
    TargetRefused(String message) {
      super(message, null, false, false);
    }
  }

  /** An address block {@code base/prefixLength}. */
  record Cidr(byte[] base, int prefixLength) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != base.length) return false;
      int full = prefixLength / 8;
      for (int i = 0; i < full; i++) if (b[i] != base[i]) return false;
      int rest = prefixLength % 8;
      if (rest == 0) return true;
      int mask = (0xff << (8 - rest)) & 0xff;
      return (b[full] & mask) == (base[full] & mask);
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(base).getHostAddress() + "/" + prefixLength;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    static Cidr parse(String text) {
      String s = text.trim();
      int slash = s.indexOf('/');
      String host = slash < 0 ? s : s.substring(0, slash);
      if (!host.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("not an IP address: " + host);
      byte[] base;
      try {
        base = InetAddress.getByName(host).getAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + host);
      }
      int bits = base.length * 8;
      int prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
      if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix length out of range: " + s);
      return new Cidr(base, prefix);
    }
  }

  private static final List<Cidr> INTERNAL = List.of(
      Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
      Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
      Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"), Cidr.parse("224.0.0.0/3"),
      Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
      Cidr.parse("fec0::/10"), Cidr.parse("ff00::/8"));
  /** IPv6 forms that carry an IPv4 address in their last 32 bits (IPv4-compatible, NAT64). */
  private static final List<Cidr> EMBEDS_IPV4 = List.of(Cidr.parse("::/96"), Cidr.parse("64:ff9b::/96"));

  private final List<Cidr> allowed;

  private WebhookTargets(List<Cidr> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** From {@code callbacks.allowedTargets}: CIDRs separated by commas, or blank for none. */
  public static WebhookTargets allowing(String csv) {
    List<Cidr> ranges = new ArrayList<>();
    if (csv != null) {
      for (String part : csv.split(",")) {
        if (part.isBlank()) continue;
        try {
          ranges.add(Cidr.parse(part));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("callbacks.allowedTargets", "must be CIDRs separated by commas (" + e.getMessage()
              + ")");
        }
      }
    }
    return new WebhookTargets(ranges);
  }

  /** The allow-list as {@code callbacks.allowedTargets} reads it back (CIDRs, comma-separated). */
  @Override
  public String toString() {
    return String.join(",", allowed.stream().map(Cidr::toString).toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookTargets t && t.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** Null when {@code a} may be a target; otherwise why not. */
  String refusal(InetAddress a) {
    InetAddress checked = embeddedIpv4(a);
    // the ranges include everything InetAddress calls loopback, any-local, link-local, site-local or multicast
    if (INTERNAL.stream().noneMatch(c -> c.contains(checked))) return null;
    if (allowed.stream().anyMatch(c -> c.contains(a) || c.contains(checked))) return null;
    return a.getHostAddress() + " is a loopback, private, link-local or otherwise internal address"
        + " (allow it with callbacks.allowedTargets)";
  }

  private static InetAddress embeddedIpv4(InetAddress a) {
    if (!(a instanceof Inet6Address) || EMBEDS_IPV4.stream().noneMatch(c -> c.contains(a))) return a;
    byte[] b = a.getAddress();
    if (new BigInteger(1, b).bitLength() <= 1) return a; // :: and ::1 are themselves
    try {
      return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The host of a webhook URL, without the brackets of an IPv6 literal. */
  static String hostOf(URI url) {
    String host = url.getHost();
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return host.toLowerCase(Locale.ROOT);
  }

  /**
   * The address to deliver to: {@code host} resolved (on a worker thread), every address it resolves to checked.
   * Fails with {@link TargetRefused} when one of them is refused, or with the lookup's error.
   */
  Future<InetAddress> resolve(Vertx vertx, String host) {
    return vertx.executeBlocking(() -> {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        String why = refusal(a);
        if (why != null) throw new TargetRefused("target_not_allowed: " + host + " resolves to " + why);
      }
      return all[0];
    }, false);
  }

  /**
   * The check at registration: refuses a URL whose host is, or now resolves to, a refused address. A name that does
   * not resolve yet is accepted (the delivery checks again).
   */
  Future<Void> check(Vertx vertx, URI url) {
    return resolve(vertx, hostOf(url)).<Void>mapEmpty().recover(e -> e instanceof TargetRefused
        ? Future.failedFuture(e) : Future.succeededFuture());
  }
}
