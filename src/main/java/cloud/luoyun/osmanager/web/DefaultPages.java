package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in pages, served when the appliance has no {@code index.html} of its own in the view's
 * folder: one page, {@code default/page.html} in the jar, made in each language from the texts in
 * {@code default/<tag>.properties} (UTF-8). Each {@code <!--text:KEY-->} in the page is replaced by
 * the text for KEY: as written (HTML, its {@code $name}s left for the templater), or, for a
 * {@code script.*} KEY, as a JavaScript string expression in which each {@code {name}} is the
 * script's variable of that name. A table with no text for a place in the page, or with a text for
 * none, is refused, naming the key. Then two optional blocks are cut out when they do not apply:
 * <pre>
 * &lt;!--owner--&gt; ... &lt;!--/owner--&gt;     the status panel, only on the owner's page
 * &lt;!--webssh--&gt; ... &lt;!--/webssh--&gt;   the web terminal link, only on the owner's page and
 *                                   only when the config enables the terminal
 * &lt;!--fingerprint--&gt; ... &lt;!--/fingerprint--&gt;   what the terminal's certificate is, beside the
 *                                   link, when its fingerprint is known
 * </pre>
 * The result is then templated like any page ({@code $websshport} and {@code $websshfingerprint}
 * are available to it as well). Texts and blocks are marked with {@code <!--...-->}, never with
 * {@code $}, so the marks cannot meet the templater's placeholders; and only this page is read
 * for them: an appliance's own pages are templated with {@code $name} alone.
 *
 * <p>Immutable and thread-safe; the page and its texts are read from the jar once, on first use.
 */
final class DefaultPages {
  static final String TEMPLATE = "default/page.html";
  private static final String TEXT = "<!--text:";
  private static final String TEXT_END = "-->";
  private static final String SCRIPT = "script.";
  /** A value in a script's text: {@code {name}}. */
  static final Pattern VALUE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final Map<Language, String> pages = new EnumMap<>(Language.class);

  private DefaultPages() {
    String template = read(TEMPLATE);
    for (Language l : Language.values()) {
      pages.put(l, withTexts(template, texts(l), table(l)));
    }
  }

  private static final class Holder {
    static final DefaultPages INSTANCE = new DefaultPages();
  }

  /** The pages, made on first use (a page server with its own pages never reads them). */
  static DefaultPages get() {
    return Holder.INSTANCE;
  }

  /** The page for this language and view: texts in, blocks cut, its {@code $name}s still to fill. */
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

  /** The jar resource with the language's texts. */
  static String table(Language language) {
    return "default/" + language.tag + ".properties";
  }

  /** The language's texts by key. */
  static Map<String, String> texts(Language language) {
    return texts(read(table(language)), table(language));
  }

  /** The texts of a table written {@code KEY = text}; a key written twice is refused, by name. */
  static Map<String, String> texts(String written, String table) {
    Map<String, String> texts = new HashMap<>();
    Properties properties = new Properties() {
      private static final long serialVersionUID = 1L;

      @Override
      public synchronized Object put(Object key, Object value) {
        if (texts.put((String) key, (String) value) != null) {
          throw new IllegalStateException(table + " has two texts for " + key);
        }
        return super.put(key, value);
      }
    };
    try {
      properties.load(new StringReader(written));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }

  /** The page with every {@code <!--text:KEY-->} in its text; {@code table} names the texts in errors. */
  static String withTexts(String template, Map<String, String> texts, String table) {
    StringBuilder out = new StringBuilder(template.length() + 1024);
    Set<String> unused = new TreeSet<>(texts.keySet());
    int from = 0;
    for (int at = template.indexOf(TEXT); at >= 0; at = template.indexOf(TEXT, from)) {
      int end = template.indexOf(TEXT_END, at);
      if (end < 0) {
        throw new IllegalStateException("the page has an unclosed " + TEXT);
      }
      String key = template.substring(at + TEXT.length(), end);
      String text = texts.get(key);
      if (text == null) {
        throw new IllegalStateException(table + " has no text for " + key);
      }
      unused.remove(key);
      out.append(template, from, at).append(key.startsWith(SCRIPT) ? script(text) : text);
      from = end + TEXT_END.length();
    }
    if (!unused.isEmpty()) {
      throw new IllegalStateException(table + " has texts for no place in the page: " + String.join(", ", unused));
    }
    return out.append(template, from, template.length()).toString();
  }

  /**
   * A script's text as a JavaScript expression: quoted pieces and, for each {@code {name}}, the
   * variable {@code name}, joined by {@code +}, a string whatever the variables hold.
   */
  static String script(String text) {
    List<String> terms = new ArrayList<>();
    Matcher m = VALUE.matcher(text);
    int from = 0;
    while (m.find()) {
      if (m.start() > from) {
        terms.add(quoted(text.substring(from, m.start())));
      }
      terms.add(m.group(1));
      from = m.end();
    }
    if (from < text.length() || terms.isEmpty()) {
      terms.add(quoted(text.substring(from)));
    }
    if (!terms.get(0).startsWith("'") && (terms.size() == 1 || !terms.get(1).startsWith("'"))) {
      terms.add(0, "''"); // two variables first would be added as numbers
    }
    return String.join(" + ", terms);
  }

  /** A JavaScript string literal; no text can end the script element ({@code </script>}). */
  private static String quoted(String s) {
    StringBuilder q = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> q.append("\\\\");
        case '\'' -> q.append("\\'");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '<' -> q.append("\\x3C");
        default -> q.append(c);
      }
    }
    return q.append('\'').toString();
  }

  static String read(String resource) {
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
