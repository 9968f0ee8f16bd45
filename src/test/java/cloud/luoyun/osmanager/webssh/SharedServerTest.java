package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.TestTls;
import cloud.luoyun.osmanager.http.HttpLayer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code osmanager run} hosts it: one {@link HttpLayer}, one port per part. */
class SharedServerTest {
  @TempDir
  Path dir;

  @Test
  void theTerminalSharesOneServerWithAnotherPartEachOnItsOwnPort() throws Exception {
    HttpLayer http = HttpLayer.create();
    HttpLayer.Attachment pages = http.attach(new HttpLayer.Port("web",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Duration.ofSeconds(5), 16),
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.write(true, ByteBuffer.wrap("the pages".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        });
    WebTerminal terminal = new WebTerminal(WebTerminalSettings.defaults(dir).withBind(Optional.of("127.0.0.1"), 0));
    terminal.attach(http);
    http.start();
    WebSocketClient ws = TestTls.webSocketClient();
    try {
      HttpClient client = TestTls.httpClient();
      assertThat(get(client, "https", terminal.port())).contains("terminal.js");
      assertThat(get(client, "http", pages.port())).isEqualTo("the pages");
      assertThat(terminal.webSocketStarted()).as("the page alone needs no WebSocket machinery").isFalse();

      TerminalClient page = TerminalClient.open(ws, terminal.port(), "");
      page.awaitText("login: ");
      assertThat(terminal.webSocketStarted()).isTrue();
      page.close();
      // the terminal's WebSocket is not reachable through the other part's port
      assertThatThrownBy(() -> TerminalClient.open(ws, pages.port(), "")).isNotNull();
    } finally {
      ws.stop();
      terminal.close();
      http.close();
    }
    assertThat(http.isStarted()).isFalse();
  }

  @Test
  void aTerminalJoiningARunningServerBuildsItsWebSocketAtTheFirstSocket() throws Exception {
    HttpLayer http = HttpLayer.create();
    http.start();
    WebTerminal terminal = new WebTerminal(WebTerminalSettings.defaults(dir).withBind(Optional.of("127.0.0.1"), 0));
    WebSocketClient ws = TestTls.webSocketClient();
    try {
      terminal.attach(http);
      TerminalClient page = TerminalClient.open(ws, terminal.port(), "");
      page.awaitText("login: ");
      page.close();
      assertThat(get(TestTls.httpClient(), terminal.port(), "/ws")).as("/ws without an upgrade").isEqualTo(404);
    } finally {
      ws.stop();
      terminal.close();
      http.close();
    }
  }

  private static String get(HttpClient http, String scheme, int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
