package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "NULL|EN",
      "''|EN",
      "zh-CN|ZH",
      "zh|ZH",
      "zh-Hans-CN,zh;q=0.9|ZH",
      "ZH-TW|ZH",
      "zh-CN,zh;q=0.9,en;q=0.8|ZH",
      "en-US,en;q=0.9,zh-CN;q=0.8|EN",
      "zh;q=0.1,en;q=0.9|EN",
      "fr-FR,zh;q=0.5|ZH",
      "fr-FR,de;q=0.5|EN",
      "zh;q=0,en;q=0.1|EN",
      "zh;q=abc|EN",
      "*|EN",
      ",,,;;;|EN"})
  void theBrowsersPreferredLanguageAmongOursWins(String header, Language expected) {
    assertThat(Language.preferred(header)).isEqualTo(expected);
  }
}
