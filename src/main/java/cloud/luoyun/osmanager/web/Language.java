package cloud.luoyun.osmanager.web;

/** The languages of the built-in pages, and the choice between them by {@code Accept-Language}. */
enum Language {
  EN("en"),
  ZH("zh");

  final String tag;

  Language(String tag) {
    this.tag = tag;
  }

  /**
   * The language the browser prefers among ours: the highest {@code q} among the entries whose
   * primary tag is one of ours ({@code zh-CN}, {@code zh-Hans-CN} and {@code zh} are Chinese),
   * the first listed on a tie; English when none matches or the header is absent or garbled.
   */
  static Language preferred(String acceptLanguage) {
    if (acceptLanguage == null || acceptLanguage.length() > 1024) {
      return EN;
    }
    Language best = EN;
    double bestQ = -1;
    for (String part : acceptLanguage.split(",", 64)) {
      String[] f = part.split(";", -1);
      String range = f[0].trim().toLowerCase(java.util.Locale.ROOT);
      int dash = range.indexOf('-');
      String primary = dash < 0 ? range : range.substring(0, dash);
      Language lang = switch (primary) {
        case "zh" -> ZH;
        case "en" -> EN;
        default -> null;
      };
      if (lang == null) {
        continue;
      }
      double q = 1.0;
      for (int i = 1; i < f.length; i++) {
        String p = f[i].trim();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (q > bestQ && q > 0) {
        best = lang;
        bestQ = q;
      }
    }
    return best;
  }
}
