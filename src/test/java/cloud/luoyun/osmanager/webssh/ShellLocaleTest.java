package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.http.AcceptLanguage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which LANG a shell gets from the browser's languages and the host's locales. */
class ShellLocaleTest {
  private static final Set<String> DEBIAN_WITH_SOME = Set.of("en_US", "en_GB", "zh_CN", "zh_TW", "de_DE", "pt_BR");

  private static String lang(String acceptLanguage, Set<String> host) {
    return ShellLocale.choose(AcceptLanguage.tags(acceptLanguage), host);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "zh-CN,zh;q=0.9,en;q=0.8|zh_CN.UTF-8",
      "zh|zh_CN.UTF-8",
      "zh-Hans|zh_CN.UTF-8",
      "zh-Hant|zh_TW.UTF-8",
      "zh-Hant-TW|zh_TW.UTF-8",
      "zh-HK|zh_TW.UTF-8",
      "zh-SG|zh_CN.UTF-8",
      "en-GB,en;q=0.9|en_GB.UTF-8",
      "en-AU,en;q=0.9|en_US.UTF-8",
      "en|en_US.UTF-8",
      "de|de_DE.UTF-8",
      "de-AT|de_DE.UTF-8",
      "pt|pt_BR.UTF-8",
      "fr-FR,fr;q=0.9,de;q=0.8|de_DE.UTF-8",
      "fr-FR,fr;q=0.9|C.UTF-8",
      "tlh|C.UTF-8",
      "NULL|C.UTF-8",
      "''|C.UTF-8"})
  void theBrowsersFirstLanguageTheHostHasWinsElseCUtf8(String acceptLanguage, String expected) {
    assertThat(lang(acceptLanguage, DEBIAN_WITH_SOME)).isEqualTo(expected);
  }

  @Test
  void traditionalChineseIsNeverGivenSimplifiedChineseOrTheOtherWayRound() {
    assertThat(lang("zh-TW", Set.of("zh_CN"))).isEqualTo("C.UTF-8");
    assertThat(lang("zh-Hant,en;q=0.5", Set.of("zh_CN", "en_US"))).isEqualTo("en_US.UTF-8");
    assertThat(lang("zh-CN", Set.of("zh_TW"))).isEqualTo("C.UTF-8");
    assertThat(lang("zh", Set.of("zh_HK"))).isEqualTo("zh_HK.UTF-8");
  }

  @Test
  void aHostWithoutLocalesGivesEveryoneCUtf8() {
    assertThat(lang("zh-CN,en;q=0.5", Set.of())).isEqualTo("C.UTF-8");
  }

  @Test
  void whatTheBrowserSendsNeverBecomesTheValue() {
    for (String hostile : List.of("zh_CN.UTF-8", "zh-CN.UTF-8", "zh-CN$(reboot)", "zh-CN;q=1;x", "../../etc/passwd",
        "zh-CN\n", "zh-cn-" + "x".repeat(2000), "C", "POSIX", "en_US.ISO-8859-1", "zh-CN-`id`")) {
      assertThat(lang(hostile, Set.of("zh_CN", "en_US"))).as(hostile).isIn("C.UTF-8", "zh_CN.UTF-8");
    }
    assertThat(lang("zh-CN$(reboot)", Set.of("zh_CN"))).isEqualTo("C.UTF-8");
  }

  @Test
  void theHostsLocalesAreItsUtf8OnesAsLocaleDashAListsThem() {
    HostLocales host = new HostLocales(() -> List.of("C", "C.utf8", "POSIX", "en_US.utf8", "zh_CN.UTF-8", "zh_CN.gbk",
        "de_DE", "ca_ES.utf8@valencia", "sr_RS.utf8@latin", "x_Y.utf8", "en_US.utf8; rm -rf /", " ja_JP.utf8 "), List.of());
    assertThat(host.utf8()).containsExactlyInAnyOrder("en_US", "zh_CN", "ja_JP");
  }

  @Test
  void theHostIsAskedAgainOnlyWhenItsLocaleFilesChanged(@TempDir Path dir) throws Exception {
    Path archive = Files.writeString(dir.resolve("locale-archive"), "");
    AtomicInteger asked = new AtomicInteger();
    List<String> answer = List.of("en_US.utf8");
    HostLocales host = new HostLocales(() -> {
      asked.incrementAndGet();
      return answer;
    }, List.of(dir, archive));
    host.utf8();
    host.utf8();
    assertThat(asked).hasValue(1);
    Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 5000));
    host.utf8();
    assertThat(asked).hasValue(2);
  }
}
