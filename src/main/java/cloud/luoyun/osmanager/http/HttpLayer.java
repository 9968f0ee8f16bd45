package cloud.luoyun.osmanager.http;

import cloud.luoyun.osmanager.util.Closeables;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.Fatal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one HTTP server: a single Jetty {@link Server} with one small thread pool, to
 * which each HTTP part of osmanager (the page server, the web terminal) attaches the same way: one
 * connector on its own port, hardened alike, and its handler reached through that connector only.
 * {@code osmanager web} and {@code webssh} make one and attach their part; {@code osmanager run}
 * makes one and attaches both.
 *
 * <p>The hardening, the same on every port: no server banner; request line and headers at most
 * {@link #MAX_REQUEST_HEADER_BYTES}; ambiguous URIs refused; idle connections closed after the
 * port's idle timeout; at most {@link Port#maxConnections()} open connections per port (beyond it
 * new ones wait in the kernel's backlog, so a flood costs no heap), each a few KiB of heap (no
 * header cache); an accept loop that outlives its failures ({@link ResilientConnector}); Jetty's
 * own error responses (requests that never reach a handler) reduced to a plain status line. A
 * port may speak TLS, with plain HTTP on the same port for its part to answer ({@link Port#tls}).
 *
 * <p>Lifecycle calls ({@link #attach}, {@link #start}, {@link #close}) from one thread; parts may
 * attach before or after {@link #start}.
 */
public final class HttpLayer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpLayer.class);
  /** Request line plus all headers. A browser sends well under 2 KiB; the owner's URL is short. */
  public static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Threads of the one pool, for every port together. Each port holds two, for its acceptor and its
   * selector; the rest serve requests, which take microseconds (the terminal's WebSocket traffic runs on the
   * selector, and SSH on the SSH client's own threads).
   */
  static final int MAX_THREADS = 16;

  /**
   * What a part asks of its port.
   *
   * @param name names the connector; requests on other ports never reach the part's handler
   * @param bind address and port; a wildcard address listens on all, port 0 on any free port
   * @param idleTimeout an HTTP connection quiet for this long is closed
   * @param maxConnections open connections at once on this port
   * @param tls when present, the port speaks TLS with the context this gives, and plain HTTP
   *     too: each connection's first bytes tell which (a TLS ClientHello or not). The part's
   *     handler sees {@link Request#isSecure()} and decides what a plain request gets.
   */
  public record Port(String name, InetSocketAddress bind, Duration idleTimeout, int maxConnections,
      Optional<TlsContext> tls) {
    public Port {
      if (name.isBlank() || idleTimeout.isNegative() || idleTimeout.isZero() || maxConnections < 1) {
        throw new IllegalArgumentException("bad port settings: " + name + " " + idleTimeout + " " + maxConnections);
      }
      Objects.requireNonNull(tls, "tls");
    }

    /** A plain HTTP port. */
    public Port(String name, InetSocketAddress bind, Duration idleTimeout, int maxConnections) {
      this(name, bind, idleTimeout, maxConnections, Optional.empty());
    }
  }

  /**
   * A TLS port's key and certificate, asked for at the port's first TLS connection rather than at
   * start: the JDK's TLS, X.509 and EC code is some 500 classes, ~5 MiB of an idle daemon that no
   * browser may ever visit. Asked again at the next connection when it failed.
   */
  @FunctionalInterface
  public interface TlsContext {
    SSLContext open() throws IOException, GeneralSecurityException;
  }

  private final Server server;
  private final ContextHandlerCollection contexts = new ContextHandlerCollection();

  private HttpLayer(Server server) {
    this.server = server;
  }

  /** A new, unstarted server with no port yet. */
  public static HttpLayer create() {
    JettyDefaults.prepare();
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2, 60_000) {
      @Override
      protected void runJob(Runnable job) {
        try {
          super.runJob(job);
        } catch (Throwable t) {
          Fatal.escalateIfFatal(t); // Jetty would log it and run on
          throw t;
        }
      }
    };
    pool.setName("http");
    // after a burst, its idle threads may all go (seen: most within two minutes), not one a minute (the default)
    pool.setMaxEvictCount(MAX_THREADS);
    Server server = new Server(pool);
    HttpLayer layer = new HttpLayer(server);
    server.setHandler(layer.contexts);
    server.setErrorHandler(new PlainErrorHandler());
    // nothing is worth waiting for at shutdown: a page is re-requested, a terminal reconnects
    server.setStopTimeout(500);
    return layer;
  }

  /**
   * Adds a port and makes {@code handler} answer every request that arrives on it. On a running
   * server the port is bound here; else by {@link #start}.
   */
  public Attachment attach(Port port, Handler handler) throws Exception {
    ServerConnector connector = newConnector(port);
    ContextHandler context = new ContextHandler(handler, "/");
    context.setVirtualHosts(List.of("@" + port.name()));
    context.setErrorHandler(new PlainErrorHandler());
    server.addConnector(connector);
    contexts.addHandler(context);
    Attachment attachment = new Attachment(this, connector, context);
    if (server.isStarted()) {
      try {
        context.start();
        open(connector);
        connector.start();
      } catch (Exception e) {
        attachment.close();
        throw e;
      }
    }
    return attachment;
  }

  /**
   * A port that could not be bound: {@code cannot listen on 0.0.0.0:8080}, with the system's
   * reason ({@code Address already in use}) as its cause, and the port's name, for the caller to
   * say which part it was.
   */
  public static final class ListenException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String portName;

    ListenException(String portName, String where, Throwable cause) {
      super("cannot listen on " + where, cause);
      this.portName = portName;
    }

    /** The {@link Port#name()} of the port that failed. */
    public String portName() {
      return portName;
    }
  }

  /** Binds the connector's socket now (Jetty would on start), so a failure names its port. */
  private static void open(ServerConnector connector) throws ListenException {
    try {
      connector.open();
    } catch (IOException e) {
      Throwable reason = Errors.root(e); // Jetty's "Failed to bind to 0.0.0.0/0.0.0.0:8080" wraps the system's
      String host = connector.getHost() == null ? "0.0.0.0" : connector.getHost();
      throw new ListenException(connector.getName(),
          (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + connector.getPort(), reason);
    }
  }

  private ServerConnector newConnector(Port port) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
    http.setResponseHeaderSize(MAX_REQUEST_HEADER_BYTES);
    // the default already refuses encoded '/', '.', '..' and other ambiguous paths; say so here
    http.setUriCompliance(UriCompliance.DEFAULT);
    // Jetty's per-connection cache of header fields (1024 by default) is a trie of ~100 KiB of
    // heap per connection: 256 connections of a flood filled a 32 MiB heap with it alone. It
    // saves a few string copies per request; a small server has no use for it.
    http.setHeaderCacheSize(0);
    HttpConnectionFactory plain = new HttpConnectionFactory(http);
    // one acceptor thread and one selector; the acceptor's loop survives what Jetty's would not
    ServerConnector connector = port.tls().isPresent()
        ? new ResilientConnector(server, tlsOrPlain(port.tls().get(), http, plain), plain)
        : new ResilientConnector(server, plain);
    connector.setName(port.name());
    InetSocketAddress bind = port.bind();
    connector.setHost(bind.getAddress() == null || bind.getAddress().isAnyLocalAddress()
        ? null : bind.getAddress().getHostAddress());
    connector.setPort(bind.getPort());
    connector.setIdleTimeout(port.idleTimeout().toMillis());
    connector.setReuseAddress(true);
    // a flood of connections must not exhaust file descriptors or memory
    connector.addBean(new NetworkConnectionLimit(port.maxConnections(), connector));
    return connector;
  }

  /**
   * TLS when the connection starts with a TLS record, else plain HTTP (the connector's next
   * factory), on one port. No SNI is required and none is checked against the certificate: a
   * browser sends none for an address, and which names a request may use is the part's decision
   * (by its Host header). No HSTS: it would hold for the host name on every port, and the
   * instance's page (8080) and its application are plain HTTP.
   */
  private static DetectorConnectionFactory tlsOrPlain(TlsContext tls, HttpConfiguration http,
      HttpConnectionFactory plain) {
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniRequired(false);
    secure.setSniHostCheck(false);
    secure.setStsMaxAge(-1);
    http.addCustomizer(secure);
    return new DetectorConnectionFactory(new LazyTls(tls, plain.getProtocol()));
  }

  /**
   * The cipher suites a TLS port offers, in the order it prefers them (every browser has them all):
   * ChaCha20-Poly1305 first. The launcher's JVM compiles with C1 only, and there the JDK's
   * AES-GCM (its GHASH intrinsic is C2's) encrypted 31 MB/s where ChaCha20-Poly1305 did 133 MB/s
   * (a micro-benchmark here): the terminal's bulk output is TLS-encrypted on its way out.
   * ECDSA suites for the terminal's own EC key, RSA ones for an operator's RSA key.
   */
  static final String[] CIPHER_SUITES = {
      "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", // TLS 1.3
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"};

  /**
   * Jetty's TLS connection factory, started at the first connection that begins with a TLS
   * record ({@link TlsContext}); until then only its detection of such a record runs.
   */
  static final class LazyTls extends AbstractConnectionFactory implements ConnectionFactory.Detecting {
    private final TlsContext tls;
    private final SslContextFactory.Server context = new SslContextFactory.Server();
    private final SslConnectionFactory ssl;

    LazyTls(TlsContext tls, String nextProtocol) {
      super("SSL");
      this.tls = tls;
      context.setSniRequired(false);
      context.setIncludeCipherSuites(CIPHER_SUITES);
      this.ssl = new SslConnectionFactory(context, nextProtocol);
    }

    @Override
    public Detection detect(ByteBuffer buffer) {
      return ssl.detect(buffer);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
      return started(connector) ? ssl.newConnection(connector, endPoint) : new Refused(endPoint, connector.getExecutor());
    }

    private synchronized boolean started(Connector connector) {
      if (!ssl.isStarted()) {
        try {
          context.setSslContext(tls.open());
          addBean(ssl, true); // stopped with the connector
          ssl.start();
        } catch (Exception e) {
          removeBean(ssl);
          LOG.error("{}: cannot serve TLS, closed a connection: {}", connector.getName(), Errors.describe(e));
          return false;
        }
      }
      return true;
    }
  }

  /** A TLS connection that cannot be served: closed at once, its reason logged by who refused it. */
  private static final class Refused extends AbstractConnection implements Connection.UpgradeTo {
    Refused(EndPoint endPoint, Executor executor) {
      super(endPoint, executor);
    }

    @Override
    public void onOpen() {
      super.onOpen();
      getEndPoint().close();
    }

    @Override
    public void onFillable() {
      // closed on open: nothing is read
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffered) {
      // the ClientHello the detector read: dropped
    }
  }

  /**
   * Binds every port attached so far and starts serving.
   *
   * @throws ListenException when a port cannot be bound; then none stays bound
   */
  public void start() throws Exception {
    try {
      for (Connector c : server.getConnectors()) {
        open((ServerConnector) c);
      }
    } catch (ListenException e) {
      for (Connector c : server.getConnectors()) {
        Closeables.closeQuietly(((ServerConnector) c)::close); // those bound before the one that failed
      }
      throw e;
    }
    server.start();
  }

  public boolean isStarted() {
    return server.isStarted();
  }

  /** The Jetty server, for parts that build on it (the terminal's WebSocket upgrade). */
  public Server server() {
    return server;
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Stops the server: every port closes, every connection with it. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server: {}", e.toString());
    }
  }

  /** One part's port and handler on the server; closing it detaches them, the server keeps running. */
  public static final class Attachment implements AutoCloseable {
    private final HttpLayer layer;
    private final ServerConnector connector;
    private final ContextHandler context;

    private Attachment(HttpLayer layer, ServerConnector connector, ContextHandler context) {
      this.layer = layer;
      this.connector = connector;
      this.context = context;
    }

    /** The port listened on (the real one when 0 was asked for); -1 before the server started. */
    public int port() {
      int p = connector.getLocalPort();
      return p > 0 ? p : -1;
    }

    /** The context the part's handler runs in. */
    public ContextHandler context() {
      return context;
    }

    @Override
    public void close() {
      Closeables.closeQuietly(connector::stop); // closes the listening socket and its connections
      layer.server.removeConnector(connector);
      layer.contexts.removeHandler(context);
      Closeables.closeQuietly(context::stop);
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
