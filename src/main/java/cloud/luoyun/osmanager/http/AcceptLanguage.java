package cloud.luoyun.osmanager.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A browser's {@code Accept-Language} header (RFC 9110 12.5.4), parsed strictly: the language
 * tags it asks for, most wanted first. The header comes from anyone on the network, so an entry
 * that is not exactly {@code tag[;q=value]} is dropped rather than guessed at, and the result is
 * only ever compared with our own lists, never used as given.
 *
 * <p>Stateless and thread-safe.
 */
public final class AcceptLanguage {
  /** Longer headers are not a browser's (Chromium sends ~40 bytes): read as absent. */
  static final int MAX_HEADER = 1024;
  private static final int MAX_ENTRIES = 32;
  // RFC 4647 language-range, without the wildcard (which asks for nothing in particular)
  private static final Pattern TAG = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*");
  private static final Pattern QVALUE = Pattern.compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");

  private AcceptLanguage() {}

  /**
   * The tags asked for, lower-case, highest {@code q} first (the header's order on a tie),
   * without those of {@code q=0}; empty for an absent, oversized or garbled header.
   */
  public static List<String> tags(String header) {
    if (header == null || header.length() > MAX_HEADER) {
      return List.of();
    }
    List<Weighted> found = new ArrayList<>();
    String[] entries = header.split(",", MAX_ENTRIES + 1);
    for (int i = 0; i < Math.min(entries.length, MAX_ENTRIES); i++) {
      Weighted w = entry(entries[i], i);
      if (w != null && w.q > 0) {
        found.add(w);
      }
    }
    found.sort(Comparator.comparingInt((Weighted w) -> -w.q).thenComparingInt(w -> w.position));
    return found.stream().map(w -> w.tag).toList();
  }

  /**
   * Whether the browser prefers Chinese to English: the first of its languages, by {@code q}, whose
   * primary tag is {@code zh} or {@code en} is {@code zh}. No such entry (or no header): English.
   * The one choice both the pages and the terminal make.
   */
  public static boolean prefersChinese(String header) {
    for (String tag : tags(header)) {
      String primary = primary(tag);
      if (primary.equals("zh") || primary.equals("en")) {
        return primary.equals("zh");
      }
    }
    return false;
  }

  /** The primary subtag of a tag: {@code zh} of {@code zh-hans-cn}. */
  public static String primary(String tag) {
    int dash = tag.indexOf('-');
    return dash < 0 ? tag : tag.substring(0, dash);
  }

  /** One {@code tag[;q=value]} entry, or null when it is anything else. */
  private static Weighted entry(String entry, int position) {
    String[] parts = entry.split(";", -1);
    String tag = parts[0].strip();
    if (parts.length > 2 || !TAG.matcher(tag).matches()) {
      return null;
    }
    int q = 1000;
    if (parts.length == 2) {
      String weight = parts[1].strip();
      if (!weight.startsWith("q=") || !QVALUE.matcher(weight.substring(2)).matches()) {
        return null;
      }
      q = thousandths(weight.substring(2));
    }
    return new Weighted(tag.toLowerCase(Locale.ROOT), q, position);
  }

  /** A qvalue as an integer in thousandths: "0.85" is 850. */
  private static int thousandths(String qvalue) {
    String digits = (qvalue.length() > 2 ? qvalue.substring(2) : "") + "000";
    return (qvalue.charAt(0) - '0') * 1000 + Integer.parseInt(digits.substring(0, 3));
  }

  private record Weighted(String tag, int q, int position) {}
}
