package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static cloud.luoyun.osmanager.TestFiles.random;
import static cloud.luoyun.osmanager.TestFiles.sha256;

import cloud.luoyun.osmanager.Chromium;
import cloud.luoyun.osmanager.TestTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Files panel as its user meets it, in headless Chromium against a real sshd (its own
 * sftp-server) and a throw-away user: uploads by the picker (one of 200 MB, made here and removed)
 * and by a drop, the overwrite prompt's three answers, a cancel in the middle, a folder the user
 * cannot write, a download through the browser's own download manager, and the tickets and
 * origins the download refuses. Screenshots in target/screenshots/ (webssh-files-*.png).
 */
class FilesPanelInChromiumTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final long BIG = 200L * 1024 * 1024;
  private static SshServerFixture sshd;
  private static Path home;
  @TempDir
  static Path dir;

  private WebTerminal terminal;
  private Chromium browser;
  private FilesPanel panel;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(SshServerFixture.available() && Chromium.available(), "needs root, openssh-server and chromium");
    sshd = new SshServerFixture(Path.of("target", "webssh-files-sshd").toAbsolutePath(),
        List.of("Subsystem=sftp /usr/lib/openssh/sftp-server"));
    home = Path.of(SshServerFixture.run(List.of("getent", "passwd", sshd.user), null).split(":")[5]);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sshd != null) {
      sshd.close(); // removes the user and its home, with everything uploaded
    }
  }

  @AfterEach
  void stopTerminal() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (terminal != null) {
      terminal.close();
    }
  }

  private void startTerminal(FilesMode mode) throws Exception {
    startTerminal(mode, sshd);
  }

  private void startTerminal(FilesMode mode, SshServerFixture server) throws Exception {
    terminal = new WebTerminal(WebTerminalSettings.defaults(dir.resolve("state"))
        .withBind(Optional.of("127.0.0.1"), 0).withSsh("127.0.0.1", server.port).withSshHostKeys(server.dir)
        .withFiles(mode));
    terminal.start();
  }

  private void openLoggedIn(int width, int height, boolean phone, String language) throws Exception {
    openPage(width, height, phone, language);
    logIn(sshd.user, sshd.password, 1);
    panel.open();
  }

  /** The terminal's page in a new browser, at its login prompt. */
  private void openPage(int width, int height, boolean phone, String language) throws Exception {
    browser = new Chromium(Path.of("target", "chromium-profile-" + System.nanoTime()),
        List.of(Chromium.accepting(TestTls.servedCertificate("127.0.0.1", terminal.port()))));
    browser.emulateScreen(width, height, phone);
    browser.acceptLanguage(language);
    browser.navigate("https://127.0.0.1:" + terminal.port() + "/");
    browser.awaitText(language.startsWith("zh") ? "用户名：" : "login:", WAIT);
    panel = new FilesPanel(browser, WAIT);
  }

  /** Logs in at the {@code nth} password prompt on the screen, and waits for the shell. */
  private void logIn(String user, String password, int nth) throws Exception {
    browser.evaluate("document.querySelector('#terminal textarea').focus()");
    browser.typeLine(user);
    browser.awaitText(text -> text.split("assword:", -1).length > nth, "password prompt " + nth, WAIT);
    browser.typeLine(password);
    String ready = "READY-" + (40 + nth);
    browser.typeLine("echo READY-$((40+" + nth + "))");
    browser.awaitText(ready, WAIT);
  }

  private static String js(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private static List<String> temporaries() throws IOException {
    try (Stream<Path> all = Files.walk(home)) {
      return all.map(p -> p.getFileName().toString()).filter(n -> n.contains(".osm-upload-")).toList();
    }
  }

  @Test
  void uploadsArriveWholeAsTheUserAndADownloadComesBackEqual() throws Exception {
    startTerminal(FilesMode.ON);
    Path local = dir.resolve("local");
    Path a = write(local.resolve("a.txt"), "first a\n");
    Path b = write(local.resolve("名字 b.txt"), "second b\n");
    Path large = random(local.resolve("large.bin"), BIG);
    try {
      openLoggedIn(1280, 800, false, "en-US,en;q=0.9");
      panel.awaitListing(".bashrc");
      browser.screenshot(SCREENSHOTS.resolve("webssh-files-desktop-en.png"));

      // three files by the picker, one of them 200 MB
      panel.pick(a, b, large);
      assertThat(panel.awaitTransfers(3)).isEqualTo("done done done");
      for (Path p : List.of(a, b, large)) {
        Path arrived = home.resolve(p.getFileName().toString());
        assertThat(sha256(arrived)).as(arrived.toString()).isEqualTo(sha256(p));
        assertThat(Files.getOwner(arrived).getName()).isEqualTo(sshd.user);
      }
      assertThat(temporaries()).isEmpty();

      // one by a drop on the terminal
      browser.evaluate("(() => { const t = new DataTransfer(); t.items.add(new File(['dropped\\n'], 'dropped.txt'));"
          + " document.getElementById('screen').dispatchEvent(new DragEvent('drop', { dataTransfer: t, bubbles: true,"
          + " cancelable: true })); })()");
      assertThat(panel.awaitTransfers(4)).isEqualTo("done done done done");
      assertThat(Files.readString(home.resolve("dropped.txt"))).isEqualTo("dropped\n");

      // the same name again: keep both, replace, skip
      Path a2 = write(local.resolve("again").resolve("a.txt"), "second a\n");
      panel.pick(a2);
      panel.answer("keep");
      panel.awaitTransfers(5);
      assertThat(Files.readString(home.resolve("a (1).txt"))).isEqualTo("second a\n");
      assertThat(Files.readString(home.resolve("a.txt"))).isEqualTo("first a\n");
      panel.pick(a2);
      panel.answer("replace");
      panel.awaitTransfers(6);
      assertThat(Files.readString(home.resolve("a.txt"))).isEqualTo("second a\n");
      Files.writeString(a2, "third a\n");
      panel.pick(a2);
      panel.answer("skip");
      assertThat(panel.awaitTransfers(7)).endsWith("done");
      assertThat(panel.lastTransferText()).isEqualTo("skipped");
      assertThat(Files.readString(home.resolve("a.txt"))).isEqualTo("second a\n");

      // a cancel in the middle of replacing the large file leaves the old one and no partial one
      String before = sha256(home.resolve("large.bin"));
      Path other = random(local.resolve("again").resolve("large.bin"), BIG - 1);
      panel.pick(other);
      panel.answer("replace");
      browser.awaitTrue("(() => { const p = document.querySelector('#files-transfers li progress');"
          + " return p.value > 0 && p.value < 0.9; })()", WAIT);
      browser.evaluate("document.querySelector('#files-transfers li .stop').click()");
      assertThat(panel.awaitTransfers(8)).endsWith("cancelled");
      assertThat(sha256(home.resolve("large.bin"))).isEqualTo(before);
      assertThat(temporaries()).isEmpty();
      Files.delete(other);
      // the next upload gets its own bytes only, none of the cancelled one's still under way
      Path next = write(local.resolve("after-cancel.txt"), "after the cancel\n");
      panel.pick(next);
      assertThat(panel.awaitTransfers(9)).endsWith("done");
      assertThat(Files.readString(home.resolve("after-cancel.txt"))).isEqualTo("after the cancel\n");

      // a folder the user cannot write: the sentence, nothing written
      Path locked = Files.createDirectory(home.resolve("locked"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"))); // root's
      panel.refresh();
      panel.awaitListing("locked/");
      panel.enter("locked/");
      panel.awaitFolder(locked.toString());
      panel.pick(a);
      assertThat(panel.awaitTransfers(10)).endsWith("failed");
      assertThat(panel.lastTransferText()).startsWith("Permission denied: ").endsWith("/locked/a.txt");
      try (Stream<Path> inside = Files.list(locked)) {
        assertThat(inside.toList()).isEmpty();
      }
      browser.screenshot(SCREENSHOTS.resolve("webssh-files-failed-en.png"));

      // a link to a folder opens it; a link to a file downloads (below)
      Files.createSymbolicLink(home.resolve("to-large"), home.resolve("large.bin"));
      Files.createSymbolicLink(home.resolve("to-locked"), locked);
      panel.goUpTo(home);
      panel.awaitListing("to-locked/");
      panel.enter("to-locked/");
      panel.awaitFolder(home.resolve("to-locked").toString());

      // a download through the browser's own download manager
      Path downloads = Files.createDirectories(dir.resolve("downloads"));
      browser.downloadInto(downloads);
      panel.goUpTo(home);
      panel.download("↪ to-large");
      Path got = browser.awaitDownload(downloads, "to-large", BIG, WAIT);
      assertThat(sha256(got)).isEqualTo(sha256(large));
      Files.delete(got);
    } finally {
      Files.deleteIfExists(large);
    }
  }

  @Test
  void aTicketGoesOnceToItsOwnAddressAndNeverToAnotherSite() throws Exception {
    startTerminal(FilesMode.ON);
    write(home.resolve("ticketed.txt"), "ticketed\n");
    openLoggedIn(1280, 800, false, "en");
    panel.awaitListing("ticketed.txt");
    String base = "https://127.0.0.1:" + terminal.port();
    // a ticket as the page gets it, over its own files socket
    String askTicket = "new Promise((resolve) => { const ws = new WebSocket('wss://' + location.host + '/files');"
        + " ws.onopen = () => ws.send(JSON.stringify({ op: 'hello', token: sessionStorage.getItem('osmanager.webssh.token') }));"
        + " ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.t === 'ready') ws.send(JSON.stringify({ op: 'ticket',"
        + " path: " + js(home.resolve("ticketed.txt").toString()) + " })); if (m.t === 'ticket') { ws.close(); resolve(m.url); } }; })";
    String url = String.valueOf(browser.call("Runtime.evaluate", Map.of("expression", askTicket, "awaitPromise", true,
        "returnByValue", true)).get("result") instanceof Map<?, ?> r ? r.get("value") : null);
    assertThat(url).startsWith("/download?t=");
    String fetch = "fetch(" + js(url) + ").then(async (r) => r.status + ' ' + r.headers.get('content-disposition') + ' '"
        + " + r.headers.get('x-content-type-options') + ' ' + r.headers.get('content-type') + ' ' + (await r.text()))";
    assertThat(evaluateAsync(fetch)).isEqualTo("200 attachment; filename=\"ticketed.txt\"; filename*=UTF-8''ticketed.txt"
        + " nosniff application/octet-stream ticketed\n");
    assertThat(evaluateAsync("fetch(" + js(url) + ").then((r) => r.status)")).isEqualTo(403); // used

    HttpClient http = httpClient("127.0.0.2");
    try {
      String foreign = String.valueOf(browser.call("Runtime.evaluate", Map.of("expression", askTicket, "awaitPromise",
          true, "returnByValue", true)).get("result") instanceof Map<?, ?> r2 ? r2.get("value") : null);
      ContentResponse other = http.newRequest(base + foreign).send();
      assertThat(other.getStatus()).as("from another address").isEqualTo(403);
      assertThat(other.getContentAsString()).doesNotContain("ticketed");

      HttpClient same = httpClient(null);
      try {
        String crossSite = String.valueOf(browser.call("Runtime.evaluate", Map.of("expression", askTicket, "awaitPromise",
            true, "returnByValue", true)).get("result") instanceof Map<?, ?> r3 ? r3.get("value") : null);
        ContentResponse cross = same.newRequest(base + crossSite).headers(h -> h.put("Origin", "https://evil.example")
            .put("Sec-Fetch-Site", "cross-site")).send();
        assertThat(cross.getStatus()).as("from another site's page").isEqualTo(403);
        assertThat(same.newRequest(base + "/download?t=" + "A".repeat(43)).send().getStatus()).isEqualTo(403);
      } finally {
        same.stop();
      }
    } finally {
      http.stop();
    }
  }

  private Object evaluateAsync(String expression) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) browser.call("Runtime.evaluate",
        Map.of("expression", expression, "awaitPromise", true, "returnByValue", true)).get("result");
    return result.get("value");
  }

  private static HttpClient httpClient(String bindAddress) throws Exception {
    SslContextFactory.Client ssl = new SslContextFactory.Client();
    ssl.setSslContext(TestTls.trustingAnyCertificate());
    HttpClient http = new HttpClient();
    http.setSslContextFactory(ssl);
    if (bindAddress != null) {
      http.setBindAddress(new InetSocketAddress(bindAddress, 0));
    }
    http.start();
    return http;
  }

  @Test
  void theFilesSocketRefusesAnotherSitesPage() throws Exception {
    startTerminal(FilesMode.ON);
    try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestTls.trustingAnyCertificate().getSocketFactory()
        .createSocket("127.0.0.1", terminal.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET /files HTTP/1.1\r\nHost: 127.0.0.1:" + terminal.port()
          + "\r\nOrigin: https://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      assertThat(status).isEqualTo("HTTP/1.1 403 Forbidden");
    }
  }

  @Test
  void offAndDownloadOnlyAreSaidPlainlyInBothLanguagesAndOnAPhone() throws Exception {
    startTerminal(FilesMode.OFF);
    openLoggedIn(1280, 800, false, "en");
    browser.awaitText("File transfer is turned off on this instance.", WAIT);
    browser.screenshot(SCREENSHOTS.resolve("webssh-files-off-en.png"));
    browser.close();
    browser = null;
    terminal.close();

    startTerminal(FilesMode.DOWNLOAD);
    write(home.resolve("readme.txt"), "read me\n");
    openPage(390, 844, true, "zh-CN,zh;q=0.9"); // the panel open before a login: no upload control either
    browser.evaluate("document.getElementById('files-open').click()");
    browser.awaitTrue("document.getElementById('files-pick-label').hidden", WAIT);
    logIn(sshd.user, sshd.password, 1);
    panel.awaitListing("readme.txt");
    browser.awaitText("此实例已关闭上传。", WAIT);
    assertThat(browser.evaluate("getComputedStyle(document.getElementById('files-pick-label')).display"))
        .as("no upload button").isEqualTo("none");
    assertThat(browser.evaluate("document.querySelectorAll('#files-list td.act button').length > 0")).isEqualTo(true);
    assertThat(browser.evaluate("(() => { const r = document.getElementById('files').getBoundingClientRect();"
        + " return r.width <= window.innerWidth && r.left >= 0; })()")).isEqualTo(true);
    browser.screenshot(SCREENSHOTS.resolve("webssh-files-phone-zh.png"));
  }
  private String note() throws Exception {
    return String.valueOf(browser.evaluate("document.getElementById('files-note').textContent"));
  }

  private void awaitNote(String text) throws Exception {
    browser.awaitTrue("document.getElementById('files-note').textContent === " + js(text), WAIT);
  }

  private void drop(String name, String content) throws Exception {
    browser.evaluate("(() => { const t = new DataTransfer(); t.items.add(new File([" + js(content) + "], " + js(name)
        + ")); document.getElementById('screen').dispatchEvent(new DragEvent('drop', { dataTransfer: t, bubbles: true,"
        + " cancelable: true })); })()");
  }

  @Test
  void thePanelFollowsTheLoginWhenTheShellEndsAndAnotherUserLogsIn() throws Exception {
    // Both users log in through the second fixture's sshd: closing it ends their shells, so that
    // it can remove its user (a user with processes left cannot be removed).
    try (SshServerFixture second = new SshServerFixture(Path.of("target", "webssh-files-sshd-2").toAbsolutePath(),
        List.of("Subsystem=sftp /usr/lib/openssh/sftp-server"))) {
      Path secondHome = Path.of(SshServerFixture.run(List.of("getent", "passwd", second.user), null).split(":")[5]);
      SshServerFixture.run(List.of("install", "-o", second.user, "-m", "644", "/dev/null",
          secondHome.resolve("second-user.txt").toString()), null);
      startTerminal(FilesMode.ON, second);
      write(home.resolve("first-user.txt"), "first\n");
      Files.createDirectories(home.resolve("deeper"));
      openLoggedIn(1280, 800, false, "en");
      panel.awaitListing("deeper/");
      browser.evaluate("[...document.querySelectorAll('#files-list td.name button')].find((b) =>"
          + " b.textContent.endsWith('deeper/')).click()");
      browser.awaitTrue("document.querySelector('#files-path [aria-current]').textContent === 'deeper/'", WAIT);

      browser.evaluate("document.querySelector('#terminal textarea').focus()");
      browser.typeLine("exit");
      browser.awaitText("Press Enter to log in again.", WAIT);
      awaitNote("The login ended: log in at the terminal again to see the files.");
      assertThat(browser.evaluate("document.getElementById('files-pick').disabled")).as("no upload").isEqualTo(true);
      assertThat(browser.evaluate("document.querySelectorAll('#files-list tbody tr').length")).as("no stale listing")
          .isEqualTo(0);
      browser.screenshot(SCREENSHOTS.resolve("webssh-files-logged-out-en.png"));

      browser.evaluate("document.querySelector('#terminal textarea').focus()");
      browser.pressEnter();
      browser.awaitText(text -> text.split("login:", -1).length > 2, "a second login prompt", WAIT);
      logIn(second.user, second.password, 2);
      panel.awaitListing("second-user.txt"); // by itself: no Refresh
      assertThat(browser.evaluate("document.querySelector('#files-path [aria-current]').textContent"))
          .isEqualTo(secondHome.getFileName() + "/");
      assertThat(note()).isEmpty();
      assertThat(browser.evaluate("document.getElementById('files-pick').disabled")).isEqualTo(false);
    }
  }

  @Test
  void filesDroppedBeforeALoginAreRefusedInOneSentenceAndNothingIsUploaded() throws Exception {
    startTerminal(FilesMode.ON);
    openPage(1280, 800, false, "en");
    drop("early.txt", "too early\n");
    awaitNote("Log in at the terminal first; nothing was uploaded.");
    assertThat(browser.evaluate("document.querySelectorAll('#files-transfers li').length")).isEqualTo(0);
    browser.screenshot(SCREENSHOTS.resolve("webssh-files-before-login-en.png"));
    drop("early.txt", "too early\n"); // with the panel open and the answer known
    awaitNote("Log in at the terminal first; nothing was uploaded.");

    logIn(sshd.user, sshd.password, 1);
    panel.awaitListing(".bashrc"); // the panel follows the login
    assertThat(browser.evaluate("document.querySelectorAll('#files-transfers li').length")).isEqualTo(0);
    assertThat(home.resolve("early.txt")).doesNotExist();
    browser.close();
    browser = null;

    openPage(390, 844, true, "zh-CN,zh;q=0.9");
    drop("early.txt", "too early\n");
    awaitNote("请先在终端登录；未上传任何文件。");
    assertThat(browser.evaluate("document.querySelectorAll('#files-transfers li').length")).isEqualTo(0);
    browser.screenshot(SCREENSHOTS.resolve("webssh-files-before-login-zh.png"));
  }

  @Test
  void anSshdThatAllowsNoMoreSessionsIsNamedAndTheTerminalKeepsWorking() throws Exception {
    try (SshServerFixture limited = new SshServerFixture(Path.of("target", "webssh-files-sshd-max1").toAbsolutePath(),
        List.of("Subsystem=sftp /usr/lib/openssh/sftp-server", "MaxSessions=1"))) {
      startTerminal(FilesMode.ON, limited);
      openPage(1280, 800, false, "en");
      logIn(limited.user, limited.password, 1);
      browser.evaluate("document.getElementById('files-open').click()");
      awaitNote("The SSH server allows no more sessions for this login (MaxSessions in its sshd_config), so the"
          + " files cannot be shown beside the terminal.");
      browser.screenshot(SCREENSHOTS.resolve("webssh-files-max-sessions-en.png"));
      browser.evaluate("document.querySelector('#terminal textarea').focus()");
      browser.typeLine("echo STILL-$((6*7))");
      browser.awaitText("STILL-42", WAIT);
      browser.close();
      browser = null;

      openPage(1280, 800, false, "zh-CN,zh;q=0.9");
      logIn(limited.user, limited.password, 1);
      browser.evaluate("document.getElementById('files-open').click()");
      awaitNote("SSH 服务器不允许这个登录再开会话（其 sshd_config 中的 MaxSessions），所以无法在终端旁显示文件。");
    }
  }
}
