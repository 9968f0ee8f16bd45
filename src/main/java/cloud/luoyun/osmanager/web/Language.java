package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.http.AcceptLanguage;

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
    return AcceptLanguage.prefersChinese(acceptLanguage) ? ZH : EN;
  }
}
