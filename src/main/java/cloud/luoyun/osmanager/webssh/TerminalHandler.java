package cloud.luoyun.osmanager.webssh;

import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the terminal's port answers: the page and its scripts from the start, the WebSocket
 * {@code /ws} from the first request for it. Jetty's WebSocket machinery is built (and its classes
 * loaded) only then: an instance whose owner never opens a terminal never pays for it.
 *
 * <p>Thread-safe: the WebSocket handler is built once, by whichever request comes first.
 */
final class TerminalHandler extends Handler.Abstract {
  static final String WEBSOCKET_PATH = "/ws";

  private final StaticPages pages;
  private final Supplier<Handler> webSocketFactory;
  private volatile Handler webSocket;

  /**
   * @param webSocketFactory builds and starts the {@code /ws} handler; called at most once
   */
  TerminalHandler(StaticPages pages, Supplier<Handler> webSocketFactory) {
    this.pages = pages;
    this.webSocketFactory = webSocketFactory;
    installBean(pages); // started and stopped with this handler
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (WEBSOCKET_PATH.equals(Request.getPathInContext(request))) {
      return webSocket().handle(request, response, callback);
    }
    return pages.handle(request, response, callback);
  }

  private Handler webSocket() {
    Handler h = webSocket;
    if (h == null) {
      synchronized (this) {
        h = webSocket;
        if (h == null) {
          h = webSocketFactory.get();
          webSocket = h;
        }
      }
    }
    return h;
  }

  /** Whether the WebSocket machinery has been built. */
  boolean webSocketStarted() {
    return webSocket != null;
  }
}
