package cloud.luoyun.osmanager.webssh;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the terminal's port answers. First, to every request, whether its Host is one of this
 * instance's names ({@link OriginCheck}): if not, {@code 421 Misdirected Request}. Then a request
 * in plain HTTP (the cloud's front end links {@code http://<ip>:8001/}) is redirected to the same
 * host, port and path over HTTPS, and nothing else: no page, no WebSocket, so no session token
 * ever travels in clear. Over TLS: the page and its scripts, and the WebSocket {@code /ws} from the
 * first request for it. Jetty's WebSocket machinery is built (and its classes loaded) only then:
 * an instance whose owner never opens a terminal never pays for it.
 *
 * <p>Thread-safe: the WebSocket handler is built once, by whichever request comes first.
 */
final class TerminalHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalHandler.class);
  static final String WEBSOCKET_PATH = "/ws";
  static final String FILES_PATH = "/files";

  private final StaticPages pages;
  private final OriginCheck names;
  private final Supplier<Handler> webSocketFactory;
  private final DownloadHandler downloads;
  private volatile Handler webSocket;

  /**
   * @param names which Host names are this instance's
   * @param webSocketFactory builds and starts the handler of {@code /ws} and {@code /files}; called at most once
   * @param downloads answers {@code /download}
   */
  TerminalHandler(StaticPages pages, OriginCheck names, Supplier<Handler> webSocketFactory,
      DownloadHandler downloads) {
    this.pages = pages;
    this.downloads = downloads;
    this.names = names;
    this.webSocketFactory = webSocketFactory;
    installBean(pages); // started and stopped with this handler
  }

  /** The pages are a handler of this one's server too (else Jetty warns "No Server set" as they start). */
  @Override
  public void setServer(Server server) {
    super.setServer(server);
    pages.setServer(server);
  }

  /** The request's Host, when it is one of this instance's names. */
  static Optional<OriginCheck.Authority> ownHost(OriginCheck names, Request request) {
    SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
    InetAddress localAddress = local instanceof InetSocketAddress inet ? inet.getAddress() : null;
    return names.ownHost(request.getHeaders().get(HttpHeader.HOST), localAddress, request.isSecure());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Optional<OriginCheck.Authority> host = ownHost(names, request);
    if (host.isEmpty()) {
      LOG.debug("refused a request for host {} from {}", request.getHeaders().get(HttpHeader.HOST),
          request.getConnectionMetaData().getRemoteSocketAddress());
      Response.writeError(request, response, callback, HttpStatus.MISDIRECTED_REQUEST_421);
      return true;
    }
    if (!request.isSecure()) {
      redirectToTls(request, response, callback, host.get());
      return true;
    }
    String path = Request.getPathInContext(request);
    if (WEBSOCKET_PATH.equals(path) || FILES_PATH.equals(path)) {
      return webSocket().handle(request, response, callback);
    }
    if (DownloadHandler.PATH.equals(path)) {
      downloads.handle(request, response, callback, host.get());
      return true;
    }
    return pages.handle(request, response, callback);
  }

  /**
   * 301 to {@code https://} the same host, port and path: TLS is on this same port. The host is
   * one of ours (checked), the path and query as Jetty parsed them (no CR, LF or spaces).
   */
  private static void redirectToTls(Request request, Response response, Callback callback,
      OriginCheck.Authority host) {
    String path = request.getHttpURI().getPath();
    String query = request.getHttpURI().getQuery();
    String location = "https://" + host.text() + (path == null || path.isEmpty() ? "/" : path)
        + (query == null ? "" : "?" + query);
    response.setStatus(HttpStatus.MOVED_PERMANENTLY_301);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, null, callback);
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
