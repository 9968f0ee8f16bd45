package cloud.luoyun.osmanager.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client for tests: it sends the request target exactly as given
 * (no normalization, no encoding — {@code ..}, {@code %2e}, backslashes and raw bytes reach the
 * server as written), with {@code Connection: close}, and reads the response until the server
 * closes the connection.
 */
final class RawHttp {
  record Response(int status, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body.length + " bytes";
    }
  }

  private final int port;

  RawHttp(int port) {
    this.port = port;
  }

  Response get(String target, String... headerLines) throws IOException {
    return request("GET", target, headerLines);
  }

  Response request(String method, String target, String... headerLines) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: 127.0.0.1:").append(port).append("\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    sb.append("Connection: close\r\n\r\n");
    return exchange(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends these exact bytes and parses whatever comes back. */
  Response exchange(byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      return parse(readAll(s.getInputStream()));
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        all.write(buf, 0, n);
      }
    } catch (java.net.SocketException e) {
      // a reset after the response (the server refused the rest of the request) ends the read
      if (all.size() == 0) {
        throw e;
      }
    }
    return all.toByteArray();
  }

  static Response parse(byte[] raw) throws IOException {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (end < 0) {
      throw new IOException("no complete response head in " + raw.length + " bytes: "
          + new String(raw, StandardCharsets.ISO_8859_1));
    }
    String head = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    return new Response(Integer.parseInt(statusLine[1]), headers, body);
  }

  private static int indexOf(byte[] a, byte[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (a[i + j] != b[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
