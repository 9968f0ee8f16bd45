package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in page: each language's table of texts against the page's places for them, and how
 * a text goes in. (What the page shows is PageServerTest's and DefaultPageInChromiumTest's.)
 */
class DefaultPagesTest {
  @TempDir
  Path dir;
  TestSite site;

  @BeforeEach
  void start() throws Exception {
    site = new TestSite(dir).start(AgentStatusSource.UNKNOWN, HostAddresses.system(), TerminalLink.NONE);
  }

  @AfterEach
  void stop() {
    site.close();
  }

  @Test
  void eachLanguagesTableHasATextForEveryPlaceInThePageAndNoOther() {
    String page = DefaultPages.read(DefaultPages.TEMPLATE);
    for (Language language : Language.values()) {
      assertThatCode(() -> DefaultPages.withTexts(page, DefaultPages.texts(language), DefaultPages.table(language)))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aPlaceInThePageWithoutATextIsRefusedByItsKey() {
    assertThatThrownBy(() -> DefaultPages.withTexts("<h1><!--text:heading--></h1><p><!--text:lead--></p>",
        Map.of("heading", "Hello"), "xx.properties")).hasMessage("xx.properties has no text for lead");
  }

  @Test
  void textsForNoPlaceInThePageAreRefusedByTheirKeys() {
    assertThatThrownBy(() -> DefaultPages.withTexts("<h1><!--text:heading--></h1>",
        Map.of("heading", "Hello", "lead", "A", "colour", "B"), "xx.properties"))
        .hasMessage("xx.properties has texts for no place in the page: colour, lead");
  }

  @Test
  void aKeyWrittenTwiceInATableIsRefusedByItsKey() {
    assertThat(DefaultPages.texts("# a note\nheading = Hello\nlead = A \\\n  continued\n", "xx.properties"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("heading", "Hello", "lead", "A continued"));
    assertThatThrownBy(() -> DefaultPages.texts("heading = Hello\nlead = A\nheading = Hi\n", "xx.properties"))
        .hasMessage("xx.properties has two texts for heading");
  }

  @Test
  void aTextGoesInAsWrittenItsDollarNamesLeftForThePageTemplater() {
    assertThat(DefaultPages.withTexts("<p><!--text:versions--></p>",
        Map.of("versions", "Version $version1 &amp; {x} <b>$application</b>"), "xx.properties"))
        .isEqualTo("<p>Version $version1 &amp; {x} <b>$application</b></p>");
  }

  @Test
  void aScriptsTextGoesInAsAJavaScriptStringWithTheScriptsValuesInTheirPlaces() {
    assertThat(DefaultPages.withTexts("return <!--text:script.memory-->;",
        Map.of("script.memory", "{free} of {total} MiB"), "xx.properties"))
        .isEqualTo("return free + ' of ' + total + ' MiB';");
    assertThat(DefaultPages.script("Not ready (exit {exit})")).isEqualTo("'Not ready (exit ' + exit + ')'");
    assertThat(DefaultPages.script("It's a \\ </script>\n")).isEqualTo("'It\\'s a \\\\ \\x3C/script>\\n'");
    assertThat(DefaultPages.script("")).isEqualTo("''");
    // a string, not the sum of two numbers
    assertThat(DefaultPages.script("{d}{h} h")).isEqualTo("'' + d + h + ' h'");
    assertThat(DefaultPages.script("{n}")).isEqualTo("'' + n");
  }

  @Test
  void everyLanguagesScriptTextsUseTheValuesTheEnglishOnesUse() {
    Map<String, String> english = DefaultPages.texts(Language.EN);
    for (Language language : Language.values()) {
      DefaultPages.texts(language).forEach((key, text) -> {
        if (key.startsWith("script.") && english.containsKey(key)) {
          assertThat(values(text)).as("%s %s", DefaultPages.table(language), key).isEqualTo(values(english.get(key)));
        }
      });
    }
  }

  @Test
  void anAppliancesOwnPageIsOnlyTemplatedMarksLikeTheBuiltInPagesLeftAsWritten() throws Exception {
    String marks = "<title><!--text:title--></title><!--owner-->$application<!--/owner-->";
    site.ownerPage("index.html", marks);
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + TestSite.COOKIE).text())
        .isEqualTo("<title><!--text:title--></title><!--owner-->OwnCloud<!--/owner-->");
  }

  private static List<String> values(String text) {
    return DefaultPages.VALUE.matcher(text).results().map(m -> m.group(1)).sorted().toList();
  }
}
