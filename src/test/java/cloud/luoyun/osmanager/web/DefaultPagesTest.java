package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in page: each language's table of texts against the page's places for them, and the
 * page byte for byte as served, in each language and view, against the pages in
 * {@code default-pages/} beside this class in the test resources (first written from what the
 * server sent when each language still had a page of its own). A page that differs is written to
 * target/default-pages/ to diff; after a deliberate change to the page, copy it over.
 */
class DefaultPagesTest {
  private static final Path ACTUAL = Path.of(System.getProperty("basedir", ".")).resolve("target/default-pages");
  private static final String FINGERPRINT = "4E:2F:" + "00:".repeat(29) + "AA";

  @TempDir
  Path dir;
  TestSite site;
  final AtomicInteger terminalPort = new AtomicInteger(-1);
  final AtomicReference<Optional<String>> fingerprint = new AtomicReference<>(Optional.empty());

  @BeforeEach
  void start() throws Exception {
    site = new TestSite(dir).start(AgentStatusSource.UNKNOWN, HostAddresses.system(),
        TerminalLink.of(terminalPort::get, fingerprint::get));
  }

  @AfterEach
  void stop() {
    site.close();
  }

  @Test
  void everyLanguageAndViewIsServedExactlyAsPinned() throws Exception {
    List<String> differ = new ArrayList<>();
    for (Language language : Language.values()) {
      String accept = "Accept-Language: " + (language == Language.ZH ? "zh-CN,zh;q=0.9" : "en");
      String owner = "/?cookie=" + TestSite.COOKIE;
      terminalPort.set(8001);
      fingerprint.set(Optional.of(FINGERPRINT));
      compare(language.tag + "-public", site.get("/", accept).body(), differ);
      compare(language.tag + "-owner-terminal-fingerprint", site.get(owner, accept).body(), differ);
      fingerprint.set(Optional.empty());
      compare(language.tag + "-owner-terminal", site.get(owner, accept).body(), differ);
      terminalPort.set(-1);
      compare(language.tag + "-owner", site.get(owner, accept).body(), differ);
    }
    assertThat(differ).as("pages that differ from the pinned ones (the served ones are in %s)", ACTUAL).isEmpty();
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

  private static void compare(String name, byte[] served, List<String> differ) throws IOException {
    byte[] pinned;
    try (InputStream in = DefaultPagesTest.class.getResourceAsStream("default-pages/" + name + ".html")) {
      pinned = in == null ? null : in.readAllBytes();
    }
    if (!Arrays.equals(pinned, served)) {
      differ.add(name);
      Files.createDirectories(ACTUAL);
      Files.write(ACTUAL.resolve(name + ".html"), served);
    }
  }
}
