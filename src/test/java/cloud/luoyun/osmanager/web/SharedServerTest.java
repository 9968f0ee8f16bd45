package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.http.HttpLayer;
import cloud.luoyun.osmanager.http.JettyDefaults;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page server as one part among others of one {@link HttpLayer} ({@code osmanager run}). */
class SharedServerTest {
  @TempDir
  Path dir;

  static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** Stands in for the web terminal: answers "other" to everything on its own port. */
  static final class OtherService extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.write(true, ByteBuffer.wrap("other".getBytes(StandardCharsets.US_ASCII)), callback);
      return true;
    }
  }

  static HttpLayer.Port otherPort() {
    return new HttpLayer.Port("other", LOOPBACK, Duration.ofSeconds(5), 16);
  }

  @Test
  void pagesAndAnotherPartShareOneServerEachOnItsOwnPort() throws Exception {
    TestSite site = new TestSite(dir);
    site.publicPage("index.html", "pages");
    HttpLayer http = HttpLayer.create();
    HttpLayer.Attachment other = http.attach(otherPort(), new OtherService());
    PageServer pages = new PageServer(site.home, LOOPBACK, AgentStatusSource.UNKNOWN, TerminalLink.NONE);
    try {
      pages.attach(http);
      http.start();
      RawHttp pagePort = new RawHttp(pages.port());
      RawHttp otherPort = new RawHttp(other.port());
      assertThat(pages.port()).isNotEqualTo(other.port());
      assertThat(pagePort.get("/").text()).isEqualTo("pages");
      assertThat(pagePort.get("/anything").status()).isEqualTo(404);
      assertThat(otherPort.get("/").text()).isEqualTo("other");
      assertThat(otherPort.get("/index.html").text()).isEqualTo("other");

      // the page server leaves; the other part keeps running
      pages.close();
      assertThat(http.isStarted()).isTrue();
      assertThat(otherPort.get("/").text()).isEqualTo("other");
      assertThatThrownBy(() -> pagePort.get("/")).isInstanceOf(ConnectException.class);
    } finally {
      pages.close();
      http.close();
    }
  }

  @Test
  void thePageServerCanJoinAServerThatIsAlreadyRunning() throws Exception {
    TestSite site = new TestSite(dir);
    site.publicPage("index.html", "late pages");
    HttpLayer http = HttpLayer.create();
    http.attach(otherPort(), new OtherService());
    http.start();
    PageServer pages = new PageServer(site.home, LOOPBACK, AgentStatusSource.UNKNOWN, TerminalLink.NONE);
    try {
      pages.attach(http);
      assertThat(new RawHttp(pages.port()).get("/").text()).isEqualTo("late pages");
    } finally {
      pages.close();
      http.close();
    }
  }

  @Test
  void everyPortIsHardenedAlikeWhoeverAttachedIt() throws Exception {
    TestSite site = new TestSite(dir);
    site.publicPage("index.html", "pages");
    HttpLayer http = HttpLayer.create();
    HttpLayer.Attachment other = http.attach(otherPort(), new OtherService());
    PageServer pages = new PageServer(site.home, LOOPBACK, AgentStatusSource.UNKNOWN, TerminalLink.NONE);
    try {
      pages.attach(http);
      http.start();
      for (int port : new int[] {pages.port(), other.port()}) {
        RawHttp client = new RawHttp(port);
        String big = "X-Big: " + "b".repeat(HttpLayer.MAX_REQUEST_HEADER_BYTES + 10);
        RawHttp.Response refused = client.get("/", big);
        assertThat(refused.status()).as("port %d", port).isEqualTo(431);
        assertThat(refused.text()).isEqualTo("431 Request Header Fields Too Large\n");
        assertThat(client.get("/%2e%2e/x").status()).as("ambiguous URI on port %d", port).isEqualTo(400);
        assertThat(client.get("/").header("Server")).as("banner on port %d", port).isNull();
      }
    } finally {
      pages.close();
      http.close();
    }
  }

  @Test
  void jettyIsToldTheCacheLineLayoutSoItSkipsJmx() {
    JettyDefaults.prepare();
    assertThat(System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine")).isIn("8", "16");
  }
}
