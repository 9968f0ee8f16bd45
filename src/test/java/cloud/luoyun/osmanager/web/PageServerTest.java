package cloud.luoyun.osmanager.web;

import static cloud.luoyun.osmanager.web.TestSite.COOKIE;
import static cloud.luoyun.osmanager.web.TestSite.OTHER_COOKIE;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.LogCapture;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.http.HttpLayer;
import cloud.luoyun.osmanager.http.TlsIdentity;
import cloud.luoyun.osmanager.web.AgentStatusSource.AgentStatus;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page server over real HTTP on a loopback port. */
class PageServerTest {
  @TempDir
  Path dir;
  TestSite site;

  @BeforeEach
  void layout() throws IOException {
    site = new TestSite(dir);
    site.ownerPage("index.html", "<p>owner page of $application</p>");
    site.publicPage("index.html", "<p>public page of $application</p>");
  }

  @AfterEach
  void stop() {
    site.close();
  }

  @Test
  void theOwnersCookieGetsTheOwnersPagesAndAnythingElseThePublicOnes() throws Exception {
    site.start();
    assertThat(site.get("/index.html?cookie=" + COOKIE).text()).isEqualTo("<p>owner page of OwnCloud</p>");
    assertThat(site.get("/?cookie=" + COOKIE).text()).isEqualTo("<p>owner page of OwnCloud</p>");
    assertThat(site.get("/?a=b&cookie=" + COOKIE + "&c=d").text()).contains("owner page");
    for (String target : List.of("/", "/index.html", "/?cookie=", "/?cookie=" + OTHER_COOKIE,
        "/?cookie=" + COOKIE.substring(1), "/?cookie=" + COOKIE + "0", "/?cookie=" + COOKIE.toUpperCase(),
        "/?Cookie=" + COOKIE, "/?cookie=%zz", "/?cookie=" + OTHER_COOKIE + "&cookie=" + COOKIE)) {
      RawHttp.Response r = site.get(target);
      assertThat(r.status()).as(target).isEqualTo(200);
      assertThat(r.text()).as(target).isEqualTo("<p>public page of OwnCloud</p>");
    }
  }

  @Test
  void theCookieCountsOnlyInTheQueryNotAsAnHttpCookie() throws Exception {
    site.start();
    assertThat(site.get("/", "Cookie: cookie=" + COOKIE).text()).contains("public page");
  }

  @Test
  void aConfigWithoutCookieHasNoOwnerView() throws Exception {
    site.writeSettings("{\"domain\": {\"name\": \"a.example.com\"}}");
    site.start();
    assertThat(site.get("/?cookie=").text()).contains("public page");
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("public page");
  }

  @Test
  void aBrokenOrMissingConfigFailsClosedToThePublicPages() throws Exception {
    site.start();
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("owner page");
    TestSite.write(site.home.conf(), TestSite.conf("{\"cookie\": \"" + COOKIE + "\", \"webssh\": 5}"));
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("public page");
    Files.delete(site.home.conf());
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("public page");
  }

  @Test
  void aNewConfigIsUsedWithinASecond() throws Exception {
    site.start();
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("owner page");
    site.writeSettings(TestSite.SETTINGS.replace(COOKIE, OTHER_COOKIE));
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("owner page"); // looked at once a second
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("public page");
    assertThat(site.get("/?cookie=" + OTHER_COOKIE).text()).contains("owner page");
  }

  @Test
  void everyTemplateVariableIsFilledAndOthersStayAsWritten() throws Exception {
    site.publicPage("vars.html", "h=$hostname a=$application v1=$version1 v2=$version2 t=$curtime"
        + " b=${hostname} u=$unknown x=$hostnamex v12=$version12 H=$HOSTNAME d=$$hostname lone=$ end=$");
    site.start();
    RawHttp.Response r = site.get("/vars.html");
    assertThat(r.text()).isEqualTo("h=owncloud.example.com a=OwnCloud v1=1.0 v2=4.0.7 t=14:07"
        + " b=owncloud.example.com u=$unknown x=$hostnamex v12=$version12 H=$HOSTNAME d=$hostname lone=$ end=$");
    assertThat(r.header("Content-Type")).isEqualTo("text/html");
  }

  @Test
  void pagesInOtherEncodingsKeepTheirBytes() throws Exception {
    byte[] gbk = "<p>欢迎使用 $application</p>".getBytes(java.nio.charset.Charset.forName("GBK"));
    TestSite.write(site.home.wwwNoCookie().resolve("gbk.htm"), gbk);
    site.start();
    byte[] expected = "<p>欢迎使用 OwnCloud</p>".getBytes(java.nio.charset.Charset.forName("GBK"));
    assertThat(site.get("/gbk.htm").body()).isEqualTo(expected);
  }

  @Test
  void hostnameIsTheDomainNameElseTheFirstNicsAddressElseTheHostsOwnNameWithoutALuoYunConfigElseItsAddress() throws Exception {
    site.publicPage("h.html", "$hostname");
    site.start();
    assertThat(site.get("/h.html").text()).isEqualTo("owncloud.example.com");
    site.writeSettings("{\"network\": [{\"ip\": \"10.1.2.3\"}, {\"ip\": \"10.9.9.9\"}], \"domain\": {\"ip\": \"10.0.0.5\"}}");
    site.aSecondLater();
    assertThat(site.get("/h.html").text()).isEqualTo("10.1.2.3");
    site.writeSettings("{\"network\": [{\"mac\": \"92:fd:3c:00:00:07\"}]}");
    site.aSecondLater();
    String own = site.get("/h.html").text();
    assertThat(own).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(own).isEqualTo(HostAddresses.system().primaryIpv4().orElse("127.0.0.1"));
    // no LuoYun config: the instance was configured from another cloud's volume, which names the host
    java.nio.file.Files.delete(site.home.conf());
    site.aSecondLater();
    String kernel = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
    assertThat(site.get("/h.html").text()).isEqualTo(kernel.equals("localhost") ? own : kernel);
  }

  @Test
  void valuesFromTheConfigCannotAddMarkup() throws Exception {
    // the config refuses such a domain name; VERSION is the appliance's, still escaped
    TestSite.write(site.home.versionFile(), "Version: 1.0\n<script>x</script>: \"4\"\n");
    site.publicPage("v.html", "$application $version2");
    site.start();
    assertThat(site.get("/v.html").text()).isEqualTo("&lt;script&gt;x&lt;/script&gt; &quot;4&quot;");
  }

  @Test
  void aMissingOrMalformedVersionFileShowsUnknownAndWarnsOnce() throws Exception {
    try (LogCapture log = LogCapture.of(PageHandler.class)) {
      Files.delete(site.home.versionFile());
      site.publicPage("v.html", "$application|$version1|$version2");
      site.start();
      for (int i = 0; i < 3; i++) {
        RawHttp.Response r = site.get("/v.html");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("unknown|unknown|unknown");
      }
      assertThat(log.warnings()).filteredOn(m -> m.contains("VERSION")).hasSize(1);
      TestSite.write(site.home.versionFile(), "just one line\n");
      site.aSecondLater();
      assertThat(site.get("/v.html").text()).isEqualTo("unknown|unknown|unknown");
      assertThat(site.get("/v.html").text()).isEqualTo("unknown|unknown|unknown");
      assertThat(log.warnings()).filteredOn(m -> m.contains("VERSION")).hasSize(2);
      TestSite.write(site.home.versionFile(), "Version: 2.1\nNextcloud: 28.0.1\n");
      site.aSecondLater();
      assertThat(site.get("/v.html").text()).isEqualTo("Nextcloud|2.1|28.0.1");
    }
  }

  @Test
  void binaryFilesAreServedByteForByteWithTheirType() throws Exception {
    byte[] icon = new byte[1024];
    new java.util.Random(7).nextBytes(icon);
    byte[] marker = "$hostname $curtime ${version1}".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(marker, 0, icon, 100, marker.length);
    icon[0] = 0;
    icon[1] = (byte) 0xff;
    TestSite.write(site.home.wwwWithCookie().resolve("favicon.ico"), icon);
    TestSite.write(site.home.wwwNoCookie().resolve("logo.png"), icon);
    site.publicPage("app.js", "var price = '$hostname';");
    site.start();
    RawHttp.Response r = site.get("/favicon.ico?cookie=" + COOKIE);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(icon);
    assertThat(r.header("Content-Type")).isEqualTo("image/vnd.microsoft.icon");
    assertThat(site.get("/logo.png").header("Content-Type")).isEqualTo("image/png");
    RawHttp.Response js = site.get("/app.js");
    assertThat(js.text()).isEqualTo("var price = '$hostname';");
    assertThat(js.header("Content-Type")).startsWith("text/javascript");
    assertThat(site.get("/favicon.ico").status()).as("the owner's files are not public").isEqualTo(404);
  }

  @Test
  void largeFilesAreStreamedWhole() throws Exception {
    byte[] big = new byte[PageHandler.MAX_IN_MEMORY_BYTES * 3 + 17];
    new java.util.Random(3).nextBytes(big);
    TestSite.write(site.home.wwwNoCookie().resolve("big.bin"), big);
    site.start();
    RawHttp.Response r = site.get("/big.bin");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(big.length));
    assertThat(r.body()).isEqualTo(big);
    assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
  }

  @Test
  void headGivesTheHeadersOfGetWithoutBody() throws Exception {
    site.start();
    RawHttp.Response get = site.get("/index.html");
    RawHttp.Response head = site.http.request("HEAD", "/index.html");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
    assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
  }

  @Test
  void otherMethodsAreRefusedWith405AndTheAllowedOnes() throws Exception {
    site.start();
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "PROPFIND")) {
      RawHttp.Response r = site.http.request(method, "/index.html?cookie=" + COOKIE, "Content-Length: 0");
      assertThat(r.status()).as(method).isEqualTo(405);
      assertThat(r.header("Allow")).as(method).isEqualTo("GET, HEAD");
      assertThat(r.text()).doesNotContain("owner page");
    }
  }

  @Test
  void notFoundIsPlainAndRevealsNothing() throws Exception {
    site.start();
    RawHttp.Response r = site.get("/no-such-page-" + COOKIE + ".html?cookie=" + COOKIE);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.text()).isEqualTo("404 Not Found\n");
    assertThat(r.header("Content-Type")).startsWith("text/plain");
  }

  @Test
  void noResponseNamesTheServerSoftware() throws Exception {
    site.start();
    for (RawHttp.Response r : List.of(site.get("/"), site.get("/nope"), site.get("/%2e%2e/x"),
        site.http.request("DELETE", "/"), site.get("/status.json"))) {
      assertThat(r.header("Server")).as(r.toString()).isNull();
      assertThat(r.header("X-Powered-By")).isNull();
      assertThat(r.text().toLowerCase()).doesNotContain("jetty");
    }
  }

  @Test
  void aDirectoryGivesItsIndexAndNoListing() throws Exception {
    site.publicPage("docs/index.html", "docs of $application");
    site.publicPage("empty/readme.txt", "x");
    site.start();
    assertThat(site.get("/docs/").text()).isEqualTo("docs of OwnCloud");
    RawHttp.Response redirect = site.get("/docs?cookie=abc");
    assertThat(redirect.status()).isEqualTo(301);
    assertThat(redirect.header("Location")).isEqualTo("/docs/?cookie=abc");
    site.publicPage("evil.example/index.html", "x");
    // a path that begins with "//" never becomes a redirect to another site: Jetty refuses empty
    // segments, and the redirect is built from the decoded segments anyway
    assertThat(site.get("//evil.example").status()).isEqualTo(400);
    assertThat(PageHandler.encodePath("//evil.example//dir")).isEqualTo("/evil.example/dir");
    site.publicPage("a b/index.html", "x");
    RawHttp.Response spaced = site.get("/a%20b");
    assertThat(spaced.header("Location")).as(spaced.toString()).isEqualTo("/a%20b/");
    RawHttp.Response listing = site.get("/empty/");
    assertThat(listing.status()).isEqualTo(404);
    assertThat(listing.text()).doesNotContain("readme");
  }

  @Test
  void fileNamesWithSpacesAndNonAsciiCharactersAreServed() throws Exception {
    site.publicPage("my page.html", "spaced");
    site.publicPage("欢迎.html", "welcome");
    site.start();
    assertThat(site.get("/my%20page.html").text()).isEqualTo("spaced");
    assertThat(site.get("/%E6%AC%A2%E8%BF%8E.html").text()).isEqualTo("welcome");
    assertThat(site.get("/my%2520page.html").status()).isBetween(400, 499);
  }

  @Test
  void hiddenFilesAreNotServed() throws Exception {
    site.publicPage(".htpasswd", "admin:secret");
    site.publicPage(".git/config", "[core]");
    site.start();
    assertThat(site.get("/.htpasswd").status()).isEqualTo(404);
    assertThat(site.get("/.git/config").status()).isEqualTo(404);
  }

  @Test
  void templatedPagesAreNeverCachedAndStaticFilesAreRevalidated() throws Exception {
    site.publicPage("style.css", "p { color: red }");
    Path css = site.home.wwwNoCookie().resolve("style.css");
    Files.setLastModifiedTime(css, FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
    site.start();
    assertThat(site.get("/").header("Cache-Control")).isEqualTo("no-store");
    assertThat(site.get("/").header("ETag")).isNull();

    RawHttp.Response r = site.get("/style.css");
    String etag = r.header("ETag");
    assertThat(etag).startsWith("\"");
    assertThat(r.header("Last-Modified")).isEqualTo("Fri, 02 Jan 2026 03:04:05 GMT");
    assertThat(r.header("Cache-Control")).isEqualTo("no-cache");

    RawHttp.Response same = site.get("/style.css", "If-None-Match: " + etag);
    assertThat(same.status()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(site.get("/style.css", "If-None-Match: \"other\", " + etag).status()).isEqualTo(304);
    assertThat(site.get("/style.css", "If-None-Match: \"other\"").status()).isEqualTo(200);
    assertThat(site.get("/style.css", "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT").status())
        .isEqualTo(304);
    assertThat(site.get("/style.css", "If-Modified-Since: Fri, 02 Jan 2026 03:04:04 GMT").status())
        .isEqualTo(200);

    site.publicPage("style.css", "p { color: blue }");
    site.aSecondLater();
    RawHttp.Response changed = site.get("/style.css", "If-None-Match: " + etag);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.text()).isEqualTo("p { color: blue }");
  }

  @Test
  @SuppressWarnings("unchecked")
  void statusJsonIsForTheOwnerOnly() throws Exception {
    site.start(() -> AgentStatus.of(true, OptionalInt.of(2000)), HostAddresses.system());
    for (String target : List.of("/status.json", "/status.json?cookie=", "/status.json?cookie=" + OTHER_COOKIE)) {
      RawHttp.Response r = site.get(target);
      assertThat(r.status()).as(target).isEqualTo(403);
      assertThat(r.text()).isEqualTo("403 Forbidden\n");
    }
    RawHttp.Response r = site.get("/status.json?cookie=" + COOKIE);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    Map<String, Object> json = JSON.std.mapFrom(r.text());
    assertThat(json.get("hostname")).isEqualTo("owncloud.example.com");
    assertThat(json.get("application")).isEqualTo(Map.of("name", "OwnCloud", "version1", "1.0",
        "version2", "4.0.7", "status", 2000, "state", "running"));
    assertThat(json.get("agent")).isEqualTo(Map.of("known", true, "registered", true));
    assertThat(((Number) json.get("uptimeSeconds")).longValue()).isPositive();
    assertThat((Map<String, Object>) json.get("load")).containsKeys("1m", "5m", "15m");
    assertThat((Map<String, Object>) json.get("memory")).containsKeys("totalKiB", "availableKiB");
    assertThat(json.get("addresses")).isInstanceOf(List.class);
    assertThat(json.get("time")).isEqualTo("2026-11-25T06:07:42Z");
    assertThat(site.http.request("HEAD", "/status.json?cookie=" + COOKIE).status()).isEqualTo(200);
  }

  @Test
  void statusJsonSaysSoWhenNoAgentRunsInTheProcess() throws Exception {
    site.start();
    Map<String, Object> json = JSON.std.mapFrom(site.get("/status.json?cookie=" + COOKIE).text());
    Map<?, ?> agent = (Map<?, ?>) json.get("agent");
    assertThat(agent.get("known")).isEqualTo(false);
    assertThat(agent.containsKey("registered")).isTrue();
    assertThat(agent.get("registered")).isNull();
    assertThat((String) agent.get("note")).contains("osmanager web runs alone");
    assertThat(((Map<?, ?>) json.get("application")).get("state")).isEqualTo("unknown");
  }

  @Test
  void theBuiltInPagesAreUsedWhenTheApplianceHasNone() throws Exception {
    Files.delete(site.home.wwwWithCookie().resolve("index.html"));
    Files.delete(site.home.wwwNoCookie().resolve("index.html"));
    site.start();
    RawHttp.Response owner = site.get("/?cookie=" + COOKIE);
    assertThat(owner.status()).isEqualTo(200);
    assertThat(owner.header("Cache-Control")).isEqualTo("no-store");
    assertThat(owner.text()).contains("<h1>OwnCloud</h1>", "Version 1.0 · OwnCloud 4.0.7", "14:07",
        "href=\"http://owncloud.example.com\"", "href=\"https://owncloud.example.com:8001/\"",
        "status.json");
    // the status panel updates in place: the page never reloads itself
    assertThat(owner.text()).doesNotContain("$", "http-equiv=\"refresh\"");
    RawHttp.Response visitor = site.get("/index.html");
    assertThat(visitor.text()).contains("<h1>OwnCloud</h1>", "href=\"http://owncloud.example.com\"")
        .doesNotContain(":8001", "status.json", "Web terminal");
    assertThat(site.get("/other.html").status()).isEqualTo(404);
  }

  @Test
  void theWebTerminalLinkFollowsTheConfigsPortAndDisappearsWhenDisabled() throws Exception {
    Files.delete(site.home.wwwWithCookie().resolve("index.html"));
    site.start();
    site.writeSettings(TestSite.SETTINGS.replace("\"port\": 8001", "\"port\": 9022"));
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("href=\"https://owncloud.example.com:9022/\"");
    site.writeSettings(TestSite.SETTINGS.replace("\"status\": \"enable\"", "\"status\": \"disable\""));
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE).text()).doesNotContain("Web terminal", ":8001");
  }

  /** The terminal in another process ({@code osmanager web} alone): its certificate's file, as it changes. */
  @Test
  void theOwnerSeesTheFingerprintOfTheTerminalsOwnCertificateFile() throws Exception {
    Files.delete(site.home.wwwWithCookie().resolve("index.html"));
    site.start();
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("Web terminal").doesNotContain("SHA-256");
    Files.createDirectories(site.home.stateDir());
    TlsIdentity first = certificate();
    first.write(site.home.terminalCertificate(), site.home.stateDir().resolve(Home.TERMINAL_KEY));
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE).text())
        .contains("its SHA-256 fingerprint is <code class=\"fp\" id=\"webssh-fingerprint\">" + first.fingerprint());
    assertThat(site.get("/").text()).as("the public page").doesNotContain(first.fingerprint(), "SHA-256");
    TlsIdentity second = certificate(); // a new instance's
    second.write(site.home.terminalCertificate(), site.home.stateDir().resolve(Home.TERMINAL_KEY));
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE, "Accept-Language: zh-CN").text()).contains(second.fingerprint())
        .doesNotContain(first.fingerprint());
    site.writeSettings(TestSite.SETTINGS.replace("\"status\": \"enable\"", "\"status\": \"disable\""));
    site.aSecondLater();
    assertThat(site.get("/?cookie=" + COOKIE).text()).doesNotContain(second.fingerprint());
  }

  private static TlsIdentity certificate() throws Exception {
    return TlsIdentity.selfSigned("LuoYun instance 42", List.of(), List.of(), Instant.now(),
        Instant.now().plusSeconds(3600), new java.security.SecureRandom());
  }

  @Test
  void aTerminalInThisProcessIsLinkedOnItsOwnPortWhateverTheConfigSays() throws Exception {
    Files.delete(site.home.wwwWithCookie().resolve("index.html"));
    int[] terminalPort = {45678};
    String fingerprint = "4E:2F:" + "00:".repeat(29) + "AA";
    site.start(AgentStatusSource.UNKNOWN, HostAddresses.system(),
        TerminalLink.of(() -> terminalPort[0], () -> Optional.of(fingerprint)));
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("href=\"https://owncloud.example.com:45678/\"")
        .contains(fingerprint).doesNotContain(":8001");
    // the config disabling the terminal does not stop one that runs here; its port is what counts
    site.writeSettings(TestSite.SETTINGS.replace("\"status\": \"enable\"", "\"status\": \"disable\""));
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains(":45678/");
    terminalPort[0] = -1; // not listening (yet, or any more): no link
    assertThat(site.get("/?cookie=" + COOKIE).text()).doesNotContain("Web terminal", ":45678", fingerprint);
  }

  @Test
  void theBuiltInPageSpeaksChineseToBrowsersThatPreferIt() throws Exception {
    Files.delete(site.home.wwwWithCookie().resolve("index.html"));
    site.start();
    RawHttp.Response zh = site.get("/?cookie=" + COOKIE, "Accept-Language: zh-CN,zh;q=0.9,en;q=0.8");
    assertThat(zh.header("Content-Language")).isEqualTo("zh");
    assertThat(zh.header("Vary")).isEqualTo("Accept-Language");
    assertThat(zh.text()).contains("欢迎使用落云 OwnCloud 虚拟应用",
        "系统当前时间为 <strong id=\"clock\" data-time=\"14:07\">14:07</strong>", "网页终端");
    RawHttp.Response en = site.get("/?cookie=" + COOKIE, "Accept-Language: en-US,en;q=0.9,zh;q=0.5");
    assertThat(en.header("Content-Language")).isEqualTo("en");
    assertThat(en.text()).contains("Web terminal").doesNotContain("欢迎");
    assertThat(site.get("/?cookie=" + COOKIE).text()).contains("Web terminal");
  }

  @Test
  void oversizedRequestHeadsAreRefused() throws Exception {
    site.start();
    String longTarget = "/" + "a".repeat(HttpLayer.MAX_REQUEST_HEADER_BYTES + 10);
    assertThat(site.get(longTarget).status()).isBetween(400, 499);
    assertThat(site.get("/", "X-Big: " + "b".repeat(HttpLayer.MAX_REQUEST_HEADER_BYTES + 10)).status())
        .isEqualTo(431);
  }

  /**
   * Issue 11: a client that reads slowly keeps its response's buffers in the heap until the last
   * byte is sent. Beyond the page server's in-flight budget a request is refused (503, come back
   * in a second) instead of growing the heap; small cached pages are still served, and once the
   * slow readers go the big file is again. (Here a budget of four chunks, and files bigger than
   * what the kernel's socket buffers absorb, ~4 MB on loopback.)
   */
  @Test
  void slowReadersOfABigFileAreTurnedAwayBeforeTheyFillTheHeap() throws Exception {
    Path big = site.home.wwwNoCookie().resolve("big.bin");
    TestSite.write(big, new byte[12 * 1024 * 1024]);
    site.server = new PageServer(site.home, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
        AgentStatusSource.UNKNOWN, TerminalLink.configured(site.home)).inFlightBytes(4L * PageHandler.STREAM_CHUNK_BYTES);
    site.server.start();
    RawHttp http = new RawHttp(site.server.port());
    List<java.net.Socket> readers = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        java.net.Socket s = new java.net.Socket();
        s.setReceiveBufferSize(4096); // and never read: the server's writes stay pending
        s.connect(new java.net.InetSocketAddress("127.0.0.1", site.server.port()));
        readers.add(s);
        s.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readHead(s)).startsWith("HTTP/1.1 200 "); // its response is under way; then it stops reading
      }
      RawHttp.Response refused = awaitStatus(http, "/big.bin", 503);
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(http.get("/index.html").status()).as("a small page meanwhile").isEqualTo(200);
    } finally {
      for (java.net.Socket s : readers) {
        s.setSoLinger(true, 0); // a reset: the server's pending writes fail at once
        s.close();
      }
    }
    assertThat(awaitStatus(http, "/big.bin", 200).body()).hasSize(12 * 1024 * 1024);
  }

  /** Reads a response's status line and headers, and not a byte more. */
  private static String readHead(java.net.Socket s) throws IOException {
    s.setSoTimeout(20_000);
    StringBuilder head = new StringBuilder();
    java.io.InputStream in = s.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    return head.toString();
  }

  /** Asks until the answer has that status (the server sees sockets come and go asynchronously). */
  private static RawHttp.Response awaitStatus(RawHttp http, String target, int status) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (true) {
      RawHttp.Response r = http.get(target);
      if (r.status() == status || System.nanoTime() > deadline) {
        assertThat(r.status()).as(target).isEqualTo(status);
        return r;
      }
      Thread.sleep(50);
    }
  }

  @Test
  void anIdleConnectionIsClosedByTheServer() throws Exception {
    site.server = new PageServer(site.home, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
        AgentStatusSource.UNKNOWN, TerminalLink.configured(site.home)).idleTimeout(java.time.Duration.ofMillis(300));
    site.server.start();
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", site.server.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      // never finishes the request: the server must give up on it and close
      byte[] rest = RawHttp.readAll(s.getInputStream());
      assertThat(new String(rest, StandardCharsets.ISO_8859_1)).doesNotContain("public page");
    }
  }

  @Test
  void theAccessLogRecordsRequestsButNeverTheCookie() throws Exception {
    site.start();
    site.get("/index.html?cookie=" + COOKIE, "User-Agent: test\r\nX-Forged: 1");
    site.get("/nope\u0001.html");
    site.get("/?x=\"%0aforged line");
    site.close();
    String log = Files.readString(site.home.logDir().resolve("web.log"), StandardCharsets.US_ASCII);
    assertThat(log).doesNotContain(COOKIE);
    assertThat(log).contains(" - owner [", "] \"GET /index.html?cookie=**** HTTP/1.1\" 200 ", " \"-\" \"test\"");
    // the Combined Log Format: host ident user [time] "request" status bytes "referer" "user agent"
    assertThat(log.lines()).isNotEmpty().allMatch(l -> l.matches(
        "127\\.0\\.0\\.1 - (owner|-) \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}] "
            + "\"[^\"]*\" \\d{3} (\\d+|-) \"[^\"]*\" \"[^\"]*\""));
  }

  @Test
  void anAccessLogLineIsCombinedLogFormatWithNoQueryValueAnywhere() {
    String line = AccessLog.line(java.time.ZonedDateTime.parse("2026-11-25T19:00:00+08:00"), "10.0.0.9", "GET",
        "/status.json?cookie=" + COOKIE + "&lang=zh", "HTTP/1.1", 200, 1532, true,
        "http://10.0.0.5:8080/?" + COOKIE, "Mozilla/5.0 \"quoted\"");

    assertThat(line).isEqualTo("10.0.0.9 - owner [25/Nov/2026:19:00:00 +0800] \"GET /status.json?cookie=****&lang=**** "
        + "HTTP/1.1\" 200 1532 \"http://10.0.0.5:8080/?****\" \"Mozilla/5.0 \\x22quoted\\x22\"\n");
    assertThat(AccessLog.line(java.time.ZonedDateTime.parse("2026-01-02T03:04:05Z"), "::1", "HEAD", "/%63ookie="
        + COOKIE + "?a%3d=" + COOKIE + "#frag", "HTTP/1.0", 304, 0, false, null, null))
        .isEqualTo("::1 - - [02/Jan/2026:03:04:05 +0000] \"HEAD /%63ookie=" + COOKIE + "?**** HTTP/1.0\" 304 - \"-\" \"-\"\n");
  }

  @Test
  void theAccessLogIsCappedAndRotated() throws Exception {
    Path file = dir.resolve("log/web.log");
    try (AccessLog log = AccessLog.open(file, 1000)) {
      for (int i = 0; i < 100; i++) {
        log.log(Instant.EPOCH, "10.0.0." + i, "GET", "/page" + i, "HTTP/1.1", 200, 10, false, null, "ua");
      }
    }
    assertThat(Files.size(file)).isLessThanOrEqualTo(1000);
    assertThat(Files.size(dir.resolve("log/web.log.1"))).isLessThanOrEqualTo(1000);
    assertThat(dir.resolve("log/web.log.2")).exists();
    assertThat(dir.resolve("log/web.log.3")).doesNotExist();
    assertThat(Files.readString(file)).contains("/page99");
  }
}
