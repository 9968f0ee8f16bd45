package cloud.luoyun.osmanager.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptLanguageTest {
  @Test
  void tagsComeMostWantedFirstAndInTheHeadersOrderOnATie() {
    assertThat(AcceptLanguage.tags("en;q=0.5, zh-CN, de;q=0.5, fr;q=0.8"))
        .containsExactly("zh-cn", "fr", "en", "de");
    assertThat(AcceptLanguage.tags("zh-Hans-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7"))
        .containsExactly("zh-hans-cn", "zh", "en-us", "en");
  }

  @Test
  void whatIsNotATagWithAnOptionalWeightIsDropped() {
    assertThat(AcceptLanguage.tags("zh-CN;q=abc, en")).containsExactly("en");
    assertThat(AcceptLanguage.tags("de;q=1.5, fr;q=0.1234, en;x=1, es;q=0.5;q=1, it")).containsExactly("it");
    assertThat(AcceptLanguage.tags("*, ja")).containsExactly("ja");
    assertThat(AcceptLanguage.tags("zh_CN.UTF-8, $(reboot), en`id`, ../../etc, ko")).containsExactly("ko");
    assertThat(AcceptLanguage.tags("averyverylongsubtag, pt-BR")).containsExactly("pt-br");
  }

  @Test
  void aWeightOfZeroMeansNot() {
    assertThat(AcceptLanguage.tags("zh;q=0, en;q=0.000, fr;q=0.001")).containsExactly("fr");
  }

  @Test
  void anAbsentEmptyOrOversizedHeaderAsksForNothing() {
    assertThat(AcceptLanguage.tags(null)).isEmpty();
    assertThat(AcceptLanguage.tags("")).isEmpty();
    assertThat(AcceptLanguage.tags(",,,;;;")).isEmpty();
    assertThat(AcceptLanguage.tags("en," + "x,".repeat(600))).isEmpty();
  }

  @Test
  void onlyTheFirstThirtyTwoEntriesCount() {
    String many = String.join(",", java.util.Collections.nCopies(32, "xx")) + ",en";
    assertThat(AcceptLanguage.tags(many)).doesNotContain("en").hasSize(32);
  }

  @Test
  void thePrimarySubtagIsTheLanguage() {
    assertThat(List.of("zh-hans-cn", "en", "pt-br").stream().map(AcceptLanguage::primary))
        .containsExactly("zh", "en", "pt");
  }
}
