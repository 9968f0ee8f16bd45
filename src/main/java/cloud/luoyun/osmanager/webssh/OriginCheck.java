package cloud.luoyun.osmanager.webssh;

import java.net.URI;
import java.util.Locale;

/**
 * Cross-site WebSocket hijacking defence: a browser sends the page's origin with every WebSocket
 * handshake, and only our own page (same host and port as the request's Host) may open one.
 */
final class OriginCheck {
  private OriginCheck() {}

  /**
   * True when {@code origin} (e.g. {@code http://10.0.0.5:8001}) names the same host and port as
   * the {@code host} header (e.g. {@code 10.0.0.5:8001}). A missing or opaque ({@code null})
   * origin never matches.
   */
  static boolean sameOrigin(String origin, String host, boolean secure) {
    if (origin == null || host == null || origin.isBlank() || host.isBlank()) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (Exception e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return false;
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
        || uri.getRawUserInfo() != null) {
      return false; // an origin is scheme://host[:port] and nothing else
    }
    int originPort = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String originHost = stripBrackets(uri.getHost()).toLowerCase(Locale.ROOT);

    String h = host.trim().toLowerCase(Locale.ROOT);
    String hostName;
    int hostPort;
    int colon = h.lastIndexOf(':');
    int bracket = h.lastIndexOf(']');
    if (colon > bracket && colon >= 0) {
      hostName = h.substring(0, colon);
      try {
        hostPort = Integer.parseInt(h.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    } else {
      hostName = h;
      hostPort = secure ? 443 : 80;
    }
    return originHost.equals(stripBrackets(hostName)) && originPort == hostPort;
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
