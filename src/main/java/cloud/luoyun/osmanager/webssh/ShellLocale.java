package cloud.luoyun.osmanager.webssh;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code LANG} a login shell gets, sent to the sshd as OpenSSH's {@code SendEnv LANG} does
 * (Debian's sshd has {@code AcceptEnv LANG LC_*}): the browser's language where the host has a
 * UTF-8 locale for it, else {@code C.UTF-8}. Without it a shell whose locale sshd and PAM left
 * empty reads typed CJK as meta keys.
 *
 * <p>The browser only chooses; it never supplies the value: the result is either
 * {@link #FALLBACK} or {@code ll_CC.UTF-8} built from a name in the host's own list that matches
 * {@code [a-z]{2,3}_[A-Z]{2}}. Stateless and thread-safe.
 */
final class ShellLocale {
  static final String FALLBACK = "C.UTF-8";
  private static final Pattern TAG = Pattern.compile("([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}))?(?:-.*)?");
  /** Where a language's main country is not written like the language (de_DE, fr_FR are). */
  private static final Map<String, String> MAIN_COUNTRY = Map.ofEntries(Map.entry("en", "US"), Map.entry("zh", "CN"),
      Map.entry("ja", "JP"), Map.entry("ko", "KR"), Map.entry("sv", "SE"), Map.entry("da", "DK"),
      Map.entry("cs", "CZ"), Map.entry("el", "GR"), Map.entry("uk", "UA"), Map.entry("he", "IL"),
      Map.entry("vi", "VN"), Map.entry("hi", "IN"), Map.entry("ar", "EG"), Map.entry("nb", "NO"),
      Map.entry("fa", "IR"), Map.entry("ms", "MY"), Map.entry("et", "EE"), Map.entry("sl", "SI"));

  private static final Set<String> TRADITIONAL = Set.of("TW", "HK", "MO");

  private ShellLocale() {}

  /**
   * @param browserTags the browser's languages, most wanted first, lower-case (from
   *     {@link cloud.luoyun.osmanager.http.AcceptLanguage#tags})
   * @param hostLocales the host's UTF-8 locales as {@code ll_CC} ({@link HostLocales})
   */
  static String choose(List<String> browserTags, Set<String> hostLocales) {
    for (String tag : browserTags) {
      Matcher m = TAG.matcher(tag);
      if (!m.matches()) {
        continue;
      }
      String found = forLanguage(m.group(1), m.group(2), m.group(3), hostLocales);
      if (found != null) {
        return found + ".UTF-8";
      }
    }
    return FALLBACK;
  }

  /**
   * The host's locale for this language: the browser's country, else the language's main
   * country, else any country (for Chinese: one that writes the same characters).
   */
  private static String forLanguage(String language, String script, String country, Set<String> host) {
    if (country != null) {
      String exact = pick(language + "_" + country.toUpperCase(Locale.ROOT), host);
      if (exact != null) {
        return exact;
      }
      if (language.equals("zh") && script == null) { // zh-TW reads traditional characters, zh-CN simplified
        script = TRADITIONAL.contains(country.toUpperCase(Locale.ROOT)) ? "hant" : "hans";
      }
    }
    String main = language.equals("zh") && "hant".equals(script) ? "TW"
        : MAIN_COUNTRY.getOrDefault(language, language.toUpperCase(Locale.ROOT));
    String found = pick(language + "_" + main, host);
    if (found != null) {
      return found;
    }
    for (String name : new TreeSet<>(host)) { // sorted: the same choice every time
      if (name.startsWith(language + "_") && fitsScript(name, script)) {
        return name;
      }
    }
    return null;
  }

  /** Chinese in traditional characters (zh-Hant) is written in Taiwan, Hong Kong and Macao. */
  private static boolean fitsScript(String name, String script) {
    if (script == null || !name.startsWith("zh_")) {
      return true;
    }
    return TRADITIONAL.contains(name.substring(3)) == script.equals("hant");
  }

  private static String pick(String name, Set<String> host) {
    return host.contains(name) ? name : null;
  }
}
