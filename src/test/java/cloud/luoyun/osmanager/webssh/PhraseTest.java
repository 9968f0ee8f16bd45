package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The terminal's own words, in both of its languages. */
class PhraseTest {
  private static final Pattern ARGUMENT = Pattern.compile("%(\\d+\\$)?s");
  /** Names and signs that stay Latin in Chinese text, as they do in Chinese manuals. */
  private static final Pattern LATIN_KEPT = Pattern.compile("SSH|sshd_config|MaxSessions|sshd|shell|SIG|ARG\\d"); // kept as written

  @Test
  void everyPhraseTakesTheSameArgumentsInBothLanguages() {
    for (Phrase p : Phrase.values()) {
      assertThat(arguments(p.pattern(TerminalLanguage.ZH))).as(p.name())
          .isEqualTo(arguments(p.pattern(TerminalLanguage.EN)));
    }
  }

  @Test
  void theChineseOnesHaveNoEnglishWordsInThem() {
    for (Phrase p : Phrase.values()) {
      Object[] args = new Object[arguments(p.pattern(TerminalLanguage.EN))];
      for (int i = 0; i < args.length; i++) {
        args[i] = "ARG" + i;
      }
      String chinese = Message.of(p, args).in(TerminalLanguage.ZH);
      assertThat(LATIN_KEPT.matcher(chinese).replaceAll("")).as(p.name()).doesNotContainPattern("[A-Za-z]");
    }
  }

  @Test
  void aMessageInsideAMessageIsSaidInTheSameLanguage() {
    Message ended = Message.of(Phrase.ENDED_PRESS_ENTER, Message.of(Phrase.SHELL_EXITED, 3));
    assertThat(ended.in(TerminalLanguage.EN)).isEqualTo("[the shell exited with status 3] Press Enter to log in again.");
    assertThat(ended.in(TerminalLanguage.ZH)).isEqualTo("[shell 已退出，状态码 3] 按回车键重新登录。");
    assertThat(ended).hasToString(ended.in(TerminalLanguage.EN));
  }

  @Test
  void theHostKeyChangeNamesTheLineToDeleteInEitherOrder() {
    Message changed = Message.of(Phrase.HOST_KEY_CHANGED, "SHA256:new", "SHA256:old", 3, "/LuoYun/state/webssh-known-hosts");
    assertThat(changed.in(TerminalLanguage.EN)).contains("delete line 3 of /LuoYun/state/webssh-known-hosts.");
    assertThat(changed.in(TerminalLanguage.ZH)).contains("请删除 /LuoYun/state/webssh-known-hosts 的第 3 行。");
  }

  @Test
  void chineseBrowsersAreChineseAndEveryoneElseEnglish() {
    assertThat(TerminalLanguage.of("zh-CN,zh;q=0.9")).isEqualTo(TerminalLanguage.ZH);
    assertThat(TerminalLanguage.of("zh-TW")).isEqualTo(TerminalLanguage.ZH);
    assertThat(TerminalLanguage.of("en-US,zh;q=0.5")).isEqualTo(TerminalLanguage.EN);
    assertThat(TerminalLanguage.of("fr,zh;q=0.5")).isEqualTo(TerminalLanguage.ZH);
    assertThat(TerminalLanguage.of("fr")).isEqualTo(TerminalLanguage.EN);
    assertThat(TerminalLanguage.of(null)).isEqualTo(TerminalLanguage.EN);
  }

  private static int arguments(String pattern) {
    Matcher m = ARGUMENT.matcher(pattern);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
