package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestTls;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The terminal's page over real HTTP: filled in for the browser's language and the host. */
class TerminalPageTest {
  @TempDir
  Path dir;

  private static HttpResponse<String> get(WebTerminal terminal, String acceptLanguage) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + terminal.port() + "/"));
    if (acceptLanguage != null) {
      request.header("Accept-Language", acceptLanguage);
    }
    return TestTls.httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private WebTerminal start(String sshHost) throws Exception {
    WebTerminal t = new WebTerminal(WebTerminalSettings.defaults(dir.resolve("state"))
        .withBind(Optional.of("127.0.0.1"), 0).withSsh(sshHost, 22));
    t.start();
    return t;
  }

  @Test
  void thePageIsInTheBrowsersLanguageAndNamesThisHost() throws Exception {
    String host = Files.readString(StaticPages.KERNEL_HOSTNAME, StandardCharsets.US_ASCII).strip();
    try (WebTerminal terminal = start("127.0.0.1")) {
      HttpResponse<String> chinese = get(terminal, "zh-CN,zh;q=0.9");
      assertThat(chinese.body()).contains("<html lang=\"zh-CN\">", "<span id=\"host\">" + host + "</span>")
          .doesNotContain("{{");
      assertThat(chinese.headers().firstValue("Vary")).hasValue("Accept-Language");
      assertThat(chinese.headers().firstValue("Content-Language")).hasValue("zh-CN");
      HttpResponse<String> english = get(terminal, null);
      assertThat(english.body()).contains("<html lang=\"en\">");
      // a cached English page is never taken for the Chinese one
      assertThat(english.headers().firstValue("ETag")).isNotEqualTo(chinese.headers().firstValue("ETag"));
      assertThat(get(terminal, "zh-CN\"><script>alert(1)</script>").body()).contains("<html lang=\"en\">")
          .doesNotContain("alert");
    }
  }

  @Test
  void anSshServerElsewhereIsNamedAsGivenAndEscaped() throws Exception {
    try (WebTerminal terminal = start("a<b>&\"'.example")) {
      assertThat(get(terminal, "en").body())
          .contains("<span id=\"host\">a&lt;b&gt;&amp;&quot;&#39;.example</span>", "<title>a&lt;b&gt;");
    }
  }
}
