package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.util.JettyDefaults;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty set-up shared by osmanager's HTTP services (the page server, the web terminal): one
 * {@link Server} with one small thread pool, one connector per service port, and each service's
 * handler reached only through its own connector. A service given a {@code Server} made here joins
 * it ({@code osmanager run}); a service run alone makes its own.
 *
 * <p>Everything here is hardened the same way: no server banner, request line and headers limited
 * to {@link #MAX_REQUEST_HEADER_BYTES}, idle connections closed, Jetty's own error responses (for
 * requests that never reach a handler, such as an ambiguous URI) reduced to a plain status line.
 */
public final class WebServers {
  /** Request line plus all headers. A browser sends well under 2 KiB; the owner's URL is short. */
  public static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Enough for a handful of browsers and monitoring scripts; requests take microseconds. */
  public static final int DEFAULT_MAX_THREADS = 12;
  /** Open connections per connector; beyond it, new ones wait in the kernel's backlog. */
  public static final int MAX_CONNECTIONS = 256;

  private WebServers() {}

  /**
   * A new, unstarted server with a small thread pool and a {@link ContextHandlerCollection} as its
   * handler, ready for {@link #addConnector} and {@link #mount}.
   */
  public static Server newServer(int maxThreads) {
    JettyDefaults.prepare();
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 2, 60_000);
    pool.setName("http");
    Server server = new Server(pool);
    server.setHandler(new ContextHandlerCollection());
    server.setErrorHandler(new PlainErrorHandler());
    server.setStopTimeout(2_000);
    return server;
  }

  /**
   * Adds a connector named {@code name} listening on {@code bind} (port 0: any free port). When
   * the server is already running, the connector is started (and so bound) here.
   */
  public static ServerConnector addConnector(Server server, String name, InetSocketAddress bind,
      Duration idleTimeout) throws Exception {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
    http.setResponseHeaderSize(MAX_REQUEST_HEADER_BYTES);
    // the default already refuses encoded '/', '.', '..' and other ambiguous paths; say so here
    http.setUriCompliance(UriCompliance.DEFAULT);
    // no acceptor thread: the one selector accepts too (fewer threads for a small VM)
    ServerConnector connector = new ServerConnector(server, 0, 1, new HttpConnectionFactory(http));
    connector.setName(name);
    connector.setHost(bind.getAddress() == null || bind.getAddress().isAnyLocalAddress()
        ? null : bind.getAddress().getHostAddress());
    connector.setPort(bind.getPort());
    connector.setIdleTimeout(idleTimeout.toMillis());
    connector.setReuseAddress(true);
    // a flood of idle connections must not exhaust file descriptors or memory
    connector.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    server.addConnector(connector);
    if (server.isStarted()) {
      connector.start();
    }
    return connector;
  }

  /**
   * Makes {@code handler} answer every request that arrives on the connector named
   * {@code connectorName}, and nothing else. The server's handler must be the
   * {@link ContextHandlerCollection} {@link #newServer} installs.
   */
  public static ContextHandler mount(Server server, String connectorName, Handler handler)
      throws Exception {
    if (!(server.getHandler() instanceof ContextHandlerCollection contexts)) {
      throw new IllegalArgumentException("the server's handler is not a ContextHandlerCollection");
    }
    ContextHandler context = new ContextHandler(handler, "/");
    context.setVirtualHosts(List.of("@" + connectorName));
    context.setErrorHandler(new PlainErrorHandler());
    contexts.addHandler(context);
    if (server.isStarted()) {
      context.start();
    }
    return context;
  }

  /** Undoes {@link #addConnector} and {@link #mount} on a server that keeps running. */
  public static void unmount(Server server, ServerConnector connector, ContextHandler context) {
    try {
      connector.stop();
    } catch (Exception e) {
      // stopping a connector closes its socket; nothing more to do
    }
    server.removeConnector(connector);
    if (server.getHandler() instanceof ContextHandlerCollection contexts) {
      contexts.removeHandler(context);
    }
    try {
      context.stop();
    } catch (Exception e) {
      // nothing more to do
    }
  }

  /**
   * Jetty's error responses without anything but the status: no server name, no message, no
   * stack, no echo of the request.
   */
  static final class PlainErrorHandler extends ErrorHandler {
    PlainErrorHandler() {
      setShowStacks(false);
      setShowCauses(false);
      setShowMessageInTitle(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
        Throwable cause, Callback callback) throws IOException {
      byte[] body = plainBody(code);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
      return ByteBuffer.wrap(plainBody(status));
    }

    private static byte[] plainBody(int code) {
      String reason = HttpStatus.getMessage(code);
      return (code + " " + (reason == null ? "" : reason) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
  }
}
