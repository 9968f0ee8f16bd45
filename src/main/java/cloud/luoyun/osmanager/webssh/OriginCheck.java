package cloud.luoyun.osmanager.webssh;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which requests the terminal answers, by the names they carry. Two defences:
 * <ul>
 * <li>DNS rebinding: a page at {@code http://evil.example:8001/} whose name the attacker points at
 *     this instance is, for the browser, its own origin, so Host and Origin agree and name
 *     {@code evil.example}. Hence the Host must be one of this instance's own names: localhost, a
 *     loopback address, the address the request came in on, or one the cloud gave it
 *     ({@link WebTerminalSettings.Instance#names()}).
 * <li>Cross-site WebSocket hijacking: a WebSocket's Origin must be the terminal page's own, the
 *     same scheme (of this connection), host and port as the request's Host.
 * </ul>
 * Names are compared as text, never looked up. Immutable and thread-safe.
 */
final class OriginCheck {
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f]*:[0-9a-f:.]*"); // starts as the JDK parses a literal
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

  /** A host (lower case, no trailing dot; an address in its canonical form) and a port. */
  record Authority(String host, int port) {
    /** As it goes into a URL. */
    String text() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final List<String> names;

  /** @param names the instance's own names and addresses besides localhost, loopback and the local address */
  OriginCheck(List<String> names) {
    this.names = names.stream().map(OriginCheck::normalize).filter(n -> n != null).toList();
  }

  /**
   * The request's Host header as an authority, when it names this instance; else empty.
   *
   * @param local the address the request came in on (one of this host's), or null
   * @param secure whether the request came over TLS (the default port: 443, else 80)
   */
  Optional<Authority> ownHost(String hostHeader, InetAddress local, boolean secure) {
    Optional<Authority> a = parse(hostHeader, secure ? 443 : 80);
    return a.filter(authority -> isOwn(authority.host(), local));
  }

  private boolean isOwn(String host, InetAddress local) {
    if (host.equals("localhost") || names.contains(host)) {
      return true;
    }
    InetAddress literal = addressLiteral(host);
    return literal != null && (literal.isLoopbackAddress()
        || local != null && Arrays.equals(literal.getAddress(), local.getAddress()));
  }

  /**
   * True when {@code origin} (e.g. {@code https://10.0.0.5:8001}) is exactly the page's own:
   * the scheme of this connection, and the host and port of {@code host}. A missing or opaque
   * ({@code null}) origin never matches.
   */
  static boolean sameOrigin(String origin, Authority host, boolean secure) {
    if (origin == null || host == null) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return false;
    }
    String scheme = secure ? "https" : "http";
    if (!scheme.equalsIgnoreCase(uri.getScheme()) || uri.getRawAuthority() == null
        || uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
        || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      return false; // an origin is scheme://host[:port] and nothing else
    }
    return parse(uri.getRawAuthority(), secure ? 443 : 80).map(host::equals).orElse(false);
  }

  /** {@code host[:port]} ({@code [v6]:port} for IPv6), strictly; empty when it is not one. */
  static Optional<Authority> parse(String text, int defaultPort) {
    if (text == null || text.length() > 300) {
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    String host;
    String port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = t.substring(1, close);
      if (!IPV6.matcher(host).matches()) {
        return Optional.empty();
      }
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return Optional.empty();
        }
        port = rest.substring(1);
      }
    } else {
      int colon = t.indexOf(':');
      if (colon != t.lastIndexOf(':')) {
        return Optional.empty(); // an IPv6 address must be in brackets
      }
      host = colon < 0 ? t : t.substring(0, colon);
      port = colon < 0 ? null : t.substring(colon + 1);
    }
    String h = normalize(host);
    int p = port == null ? defaultPort : port(port);
    return h == null || p < 0 ? Optional.empty() : Optional.of(new Authority(h, p));
  }

  private static int port(String digits) {
    if (!digits.matches("\\d{1,5}")) {
      return -1;
    }
    int p = Integer.parseInt(digits);
    return p >= 1 && p <= 65535 ? p : -1;
  }

  /** A host name or address literal as compared here, or null when it is neither. */
  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    InetAddress literal = addressLiteral(h);
    if (literal != null) {
      return literal.getHostAddress();
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1); // "app.example.com." is "app.example.com"
    }
    return h.length() <= 253 && NAME.matcher(h).matches() && !h.matches("[0-9.]+") ? h : null;
  }

  /**
   * An IPv4 dotted quad or an IPv6 literal (no brackets, no zone) as an address, or null when
   * {@code host} is neither. Never a name lookup: only literals get this far.
   */
  static InetAddress addressLiteral(String host) {
    try {
      if (IPV4.matcher(host).matches()) {
        String[] octets = host.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          bytes[i] = (byte) Integer.parseInt(octets[i]);
        }
        return Inet4Address.getByAddress(bytes);
      }
      if (IPV6.matcher(host.toLowerCase(Locale.ROOT)).matches() && host.length() <= 45) {
        return InetAddress.getByName(host); // a literal: parsed, not looked up
      }
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
    return null;
  }
}
