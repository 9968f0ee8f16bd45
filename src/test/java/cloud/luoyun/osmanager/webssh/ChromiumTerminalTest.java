package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.Chromium;
import cloud.luoyun.osmanager.TestTls;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's view: headless Chromium follows the cloud's http:// link to the terminal, is sent
 * to HTTPS, warns about the instance's own certificate until it is accepted (the one whose
 * fingerprint the owner's page shows), types at the login prompts, runs a command, reloads the
 * page and is back in the same shell. Reads the answers from the page's text (xterm.js's DOM
 * renderer puts the screen there); saves a screenshot under target/.
 */
class ChromiumTerminalTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void aPersonFollowsTheLinkAcceptsTheCertificateLogsInOverHttpsReloadsAndIsBackInTheSameShell() throws Exception {
    assumeTrue(SshServerFixture.available() && Chromium.available(), "needs root, openssh-server and chromium");
    try (SshServerFixture sshd = new SshServerFixture(Path.of("target", "webssh-chromium-sshd").toAbsolutePath());
        WebTerminal terminal = new WebTerminal(WebTerminalSettings.defaults(dir.resolve("state"))
            .withBind(Optional.of("127.0.0.1"), 0).withSsh("127.0.0.1", sshd.port)
            .withSshHostKeys(sshd.dir))) {
      terminal.start();
      String link = "http://127.0.0.1:" + terminal.port() + "/"; // as the cloud's front end links it
      try (Chromium wary = new Chromium(Path.of("target", "chromium-profile-" + System.nanoTime()))) {
        wary.navigate(link);
        wary.awaitText("ERR_CERT_AUTHORITY_INVALID", WAIT); // the warning, and no terminal behind it
        assertThat(wary.bodyText()).doesNotContain("login:");
      }
      X509Certificate served = TestTls.servedCertificate("127.0.0.1", terminal.port());
      assertThat(TlsIdentity.fingerprint(served)).as("what the owner's page shows").isEqualTo(terminal.fingerprint().get());
      try (Chromium browser = new Chromium(Path.of("target", "chromium-profile-" + System.nanoTime()),
          List.of(Chromium.accepting(served)))) {
        browser.navigate(link);
        browser.awaitText("login:", WAIT);
        assertThat(browser.evaluate("location.href")).isEqualTo("https://127.0.0.1:" + terminal.port() + "/");
        browser.typeLine(sshd.user);
        browser.awaitText("assword:", WAIT);
        browser.typeLine(sshd.password);
        browser.typeLine("export OSMW_KEEP=still-here-$((6*7)); echo BROWSER-$((40+2))");
        String screen = browser.awaitText("BROWSER-42", WAIT);
        assertThat(screen).doesNotContain(sshd.password);

        browser.typeLine("exec env LC_ALL=C.UTF-8 bash --norc --noprofile");
        browser.typeLine("echo \"W=$(printf '%s' '世界')=$((1+1))\"");
        browser.awaitText("W=世界=2", WAIT);

        browser.reload();
        browser.awaitText("BROWSER-42", WAIT); // the screen comes back
        browser.typeLine("echo \"$OSMW_KEEP\"");
        String after = browser.awaitText("still-here-42", WAIT);
        assertThat(after).contains("still-here-42");
        Path shot = Path.of("target", "webssh-chromium.png");
        browser.screenshot(shot);
        assertThat(Files.size(shot)).isPositive();
      }
    }
  }
}
