package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.util.JettyDefaults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page server as one service among others in one Jetty server ({@code osmanager run}). */
class SharedServerTest {
  @TempDir
  Path dir;

  /** Stands in for the web terminal: answers "other" to everything on its own connector. */
  static final class OtherService extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.write(true, ByteBuffer.wrap("other".getBytes(StandardCharsets.US_ASCII)), callback);
      return true;
    }
  }

  @Test
  void pagesAndAnotherServiceShareOneServerEachOnItsOwnPort() throws Exception {
    TestSite site = new TestSite(dir);
    site.publicPage("index.html", "pages");
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    Server server = WebServers.newServer(WebServers.DEFAULT_MAX_THREADS);
    ServerConnector otherConnector = WebServers.addConnector(server, "other", loopback, Duration.ofSeconds(5));
    WebServers.mount(server, "other", new OtherService());
    PageServer pages = new PageServer(site.home, loopback, AgentStatusSource.UNKNOWN);
    try {
      pages.attach(server);
      server.start();
      RawHttp pagePort = new RawHttp(pages.port());
      RawHttp otherPort = new RawHttp(otherConnector.getLocalPort());
      assertThat(pages.port()).isNotEqualTo(otherConnector.getLocalPort());
      assertThat(pagePort.get("/").text()).isEqualTo("pages");
      assertThat(pagePort.get("/anything").status()).isEqualTo(404);
      assertThat(otherPort.get("/").text()).isEqualTo("other");
      assertThat(otherPort.get("/index.html").text()).isEqualTo("other");

      // the page server leaves; the other service keeps running
      pages.close();
      assertThat(server.isRunning()).isTrue();
      assertThat(otherPort.get("/").text()).isEqualTo("other");
      assertThatThrownBy(() -> pagePort.get("/")).isInstanceOf(ConnectException.class);
    } finally {
      pages.close();
      server.stop();
    }
  }

  @Test
  void thePageServerCanJoinAServerThatIsAlreadyRunning() throws Exception {
    TestSite site = new TestSite(dir);
    site.publicPage("index.html", "late pages");
    Server server = WebServers.newServer(WebServers.DEFAULT_MAX_THREADS);
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    WebServers.addConnector(server, "other", loopback, Duration.ofSeconds(5));
    WebServers.mount(server, "other", new OtherService());
    server.start();
    PageServer pages = new PageServer(site.home, loopback, AgentStatusSource.UNKNOWN);
    try {
      pages.attach(server);
      assertThat(new RawHttp(pages.port()).get("/").text()).isEqualTo("late pages");
    } finally {
      pages.close();
      server.stop();
    }
  }

  @Test
  void jettyIsToldTheCacheLineLayoutSoItSkipsJmx() {
    JettyDefaults.prepare();
    assertThat(System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine")).isIn("8", "16");
  }
}
