package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PageTemplateTest {
  static final Map<String, String> VALUES = Map.of("hostname", "h.example.com", "version1", "1.0");

  static String fill(String page) {
    return new String(PageTemplate.fill(page.getBytes(StandardCharsets.UTF_8), VALUES), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "$hostname|h.example.com",
      "${hostname}|h.example.com",
      "http://$hostname:8001/|http://h.example.com:8001/",
      "$hostname.|h.example.com.",
      "$version1$version1|1.01.0",
      "$version12|$version12",
      "$Hostname|$Hostname",
      "$unknown $HOME|$unknown $HOME",
      "${unknown}|${unknown}",
      "${hostname|${hostname",
      "${ hostname}|${ hostname}",
      "$$hostname|$hostname",
      "$$|$",
      "$|$",
      "a$|a$",
      "$1.00|$1.00",
      "$.ajax()|$.ajax()",
      "$_x|$_x"})
  void placeholdersFollowPythonsSafeSubstitute(String page, String expected) {
    assertThat(fill(page)).isEqualTo(expected);
  }

  @Test
  void valuesAreHtmlEscaped() {
    byte[] out = PageTemplate.fill("<b>$v</b>".getBytes(StandardCharsets.UTF_8), Map.of("v", "<i>&\"'"));
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("<b>&lt;i&gt;&amp;&quot;&#39;</b>");
  }

  @Test
  void aPageWithoutDollarSignsIsReturnedAsIs() {
    byte[] page = "<p>no placeholders</p>".getBytes(StandardCharsets.UTF_8);
    assertThat(PageTemplate.fill(page, VALUES)).isSameAs(page);
  }

  @Property
  void bytesOutsidePlaceholdersPassThroughUnchanged(@ForAll byte[] page) {
    // with no values, the only change allowed is "$$" -> "$"
    byte[] out = PageTemplate.fill(page, Map.of());
    String in = new String(page, StandardCharsets.ISO_8859_1).replace("$$", "\u0000DD\u0000");
    String expected = in.replace("\u0000DD\u0000", "$");
    assertThat(new String(out, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
  }
}
