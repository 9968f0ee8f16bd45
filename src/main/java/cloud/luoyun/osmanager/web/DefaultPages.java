package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The built-in pages, served when the appliance has no {@code index.html} of its own in the view's
 * folder: one page per language ({@code default/en.html}, {@code default/zh.html} in the jar), with
 * two optional blocks that are cut out when they do not apply:
 * <pre>
 * &lt;!--owner--&gt; ... &lt;!--/owner--&gt;     the status panel, only on the owner's page
 * &lt;!--webssh--&gt; ... &lt;!--/webssh--&gt;   the web terminal link, only on the owner's page and
 *                                   only when the config enables the terminal
 * &lt;!--fingerprint--&gt; ... &lt;!--/fingerprint--&gt;   what the terminal's certificate is, beside the
 *                                   link, when its fingerprint is known
 * </pre>
 * The result is then templated like any page ({@code $websshport} and {@code $websshfingerprint}
 * are available to it as well).
 *
 * <p>Immutable and thread-safe; the pages are read from the jar once, on first use.
 */
final class DefaultPages {
  private final Map<Language, String> pages = new EnumMap<>(Language.class);

  private DefaultPages() {
    for (Language l : Language.values()) {
      pages.put(l, read("default/" + l.tag + ".html"));
    }
  }

  private static final class Holder {
    static final DefaultPages INSTANCE = new DefaultPages();
  }

  /** The pages, loaded on first use (a page server with its own pages never reads them). */
  static DefaultPages get() {
    return Holder.INSTANCE;
  }

  /** The page's template text for this view, blocks already cut. */
  byte[] page(Language language, boolean owner, boolean webssh, boolean fingerprint) {
    String page = pages.get(language);
    page = keepOrCut(page, "owner", owner);
    page = keepOrCut(page, "webssh", owner && webssh);
    page = keepOrCut(page, "fingerprint", owner && webssh && fingerprint);
    return page.getBytes(StandardCharsets.UTF_8);
  }

  private static String keepOrCut(String page, String block, boolean keep) {
    String open = "<!--" + block + "-->";
    String close = "<!--/" + block + "-->";
    StringBuilder out = new StringBuilder(page.length());
    int from = 0;
    while (true) {
      int start = page.indexOf(open, from);
      int end = start < 0 ? -1 : page.indexOf(close, start);
      if (end < 0) {
        out.append(page, from, page.length());
        return out.toString();
      }
      out.append(page, from, start);
      if (keep) {
        out.append(page, start + open.length(), end);
      }
      from = end + close.length();
    }
  }

  private static String read(String resource) {
    try (InputStream in = DefaultPages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource + " in the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
