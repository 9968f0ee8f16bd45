package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.http.AcceptLanguage;

/** The languages the terminal speaks in (its own prompts and messages, and its page). */
enum TerminalLanguage {
  EN("en"),
  ZH("zh-CN");

  /** For the page's {@code <html lang>}. */
  final String tag;

  TerminalLanguage(String tag) {
    this.tag = tag;
  }

  /** The first of ours among the browser's languages ({@code zh…} is Chinese); English otherwise. */
  static TerminalLanguage of(String acceptLanguage) {
    return AcceptLanguage.prefersChinese(acceptLanguage) ? ZH : EN;
  }
}
