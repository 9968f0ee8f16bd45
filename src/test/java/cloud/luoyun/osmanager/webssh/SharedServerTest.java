package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.JettyDefaults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How `osmanager run` will host it: one Jetty server and pool, one connector per part. */
class SharedServerTest {
  @TempDir
  Path dir;

  @Test
  void theTerminalSharesOneServerWithAnotherPartEachOnItsOwnPort() throws Exception {
    JettyDefaults.prepare();
    Server server = new Server(new QueuedThreadPool(24, 2));
    ServerConnector pages = new ServerConnector(server, 1, 1);
    pages.setName("web");
    pages.setHost("127.0.0.1");
    server.addConnector(pages);
    ContextHandler other = new ContextHandler("/");
    other.setVirtualHosts(List.of("@web"));
    other.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.write(true, ByteBuffer.wrap("the pages".getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    });
    WebTerminal terminal = new WebTerminal(WebTerminalSettings.defaults(dir).withBind(Optional.of("127.0.0.1"), 0));
    server.setHandler(new ContextHandlerCollection(other, terminal.attach(server)));
    server.start();
    WebSocketClient ws = new WebSocketClient();
    ws.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, terminal.port())).contains("terminal.js");
      assertThat(get(http, pages.getLocalPort())).isEqualTo("the pages");

      TerminalClient page = TerminalClient.open(ws, terminal.port(), "");
      page.awaitText("login: ");
      page.close();
      // the terminal's WebSocket is not reachable through the other part's port
      assertThatThrownBy(() -> TerminalClient.open(ws, pages.getLocalPort(), "")).isNotNull();
    } finally {
      ws.stop();
      terminal.close();
      server.stop();
    }
    assertThat(server.isStopped()).isTrue();
  }

  private static String get(HttpClient http, int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
