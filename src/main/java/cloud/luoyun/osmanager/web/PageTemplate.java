package cloud.luoyun.osmanager.web;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Fills {@code $name} and {@code ${name}} placeholders in an HTML page, with the rules of Python's
 * {@code string.Template.safe_substitute} that the original page server used, so pages written for
 * it keep working: a name is {@code [_A-Za-z][_A-Za-z0-9]*} and is matched whole ({@code $version12}
 * is not {@code $version1}), {@code $$} stands for one {@code $}, and a name that is not in the map
 * (or a lone {@code $}) stays exactly as written.
 *
 * <p>Works on bytes, not characters: '$', braces and the ASCII name characters are single bytes in
 * UTF-8 and in every legacy encoding an appliance page may use (GBK, Latin-1), so the page's own
 * bytes pass through untouched whatever its charset. Values are HTML-escaped and written as UTF-8;
 * they come from the cloud's web form and must not be able to add markup to the owner's page.
 *
 * <p>Stateless and thread-safe.
 */
final class PageTemplate {
  private PageTemplate() {}

  static byte[] fill(byte[] page, Map<String, String> values) {
    int dollar = indexOf(page, (byte) '$', 0);
    if (dollar < 0) {
      return page; // the common case for pages without placeholders: no copy
    }
    Output out = new Output(page.length + 64);
    int copied = 0; // page[copied..dollar) is still to be copied
    while (dollar >= 0) {
      out.write(page, copied, dollar - copied);
      int next = dollar + 1;
      if (next < page.length && page[next] == '$') {
        out.write('$');
        copied = next + 1;
      } else {
        boolean braced = next < page.length && page[next] == '{';
        int nameStart = braced ? next + 1 : next;
        int nameEnd = nameStart;
        if (nameEnd < page.length && isNameStart(page[nameEnd])) {
          nameEnd++;
          while (nameEnd < page.length && isNamePart(page[nameEnd])) {
            nameEnd++;
          }
        }
        int end = nameEnd;
        boolean wellFormed = nameEnd > nameStart;
        if (braced) {
          wellFormed = wellFormed && nameEnd < page.length && page[nameEnd] == '}';
          end = nameEnd + 1;
        }
        String value = wellFormed
            ? values.get(new String(page, nameStart, nameEnd - nameStart, StandardCharsets.US_ASCII))
            : null;
        if (value == null) {
          out.write('$'); // leave it as written; what follows is copied as ordinary bytes
          copied = next;
        } else {
          byte[] escaped = escapeHtml(value).getBytes(StandardCharsets.UTF_8);
          out.write(escaped, 0, escaped.length);
          copied = end;
        }
      }
      dollar = indexOf(page, (byte) '$', copied);
    }
    out.write(page, copied, page.length - copied);
    return out.toByteArray();
  }

  /** A growable byte array without the locking of ByteArrayOutputStream. */
  private static final class Output {
    private byte[] buf;
    private int size;

    Output(int capacity) {
      buf = new byte[capacity];
    }

    void write(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    byte[] toByteArray() {
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
  }

  static String escapeHtml(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (rep != null && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (rep != null) {
          sb.append(rep);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isNameStart(byte b) {
    return b == '_' || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
  }

  private static boolean isNamePart(byte b) {
    return isNameStart(b) || (b >= '0' && b <= '9');
  }
}
