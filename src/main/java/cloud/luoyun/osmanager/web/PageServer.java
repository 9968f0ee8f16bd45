package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.Home;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's own web page (the seed's pyweb), default port 8080: the owner's pages from
 * {@code custom/www/withcookie/} for requests whose {@code cookie} query parameter is the config's
 * cookie, everyone else's from {@code custom/www/nocookie/}, built-in pages when the appliance has
 * none, and the owner's {@code /status.json}.
 *
 * <p>Two ways to run:
 * <ul>
 *   <li>alone ({@code osmanager web}): {@link #start()} makes and owns a small Jetty server;</li>
 *   <li>in a shared server ({@code osmanager run}): {@link #attach(Server)} adds this service's
 *       connector and handler to a server made by {@link WebServers#newServer}; the caller starts
 *       and stops that server. {@link #close()} then detaches only what was added.</li>
 * </ul>
 *
 * <p>Not thread-safe for its lifecycle calls (call start/attach and close from one thread); the
 * requests it serves run on the server's pool.
 */
public final class PageServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PageServer.class);
  public static final int DEFAULT_PORT = 8080;
  /** The connector name; requests on other connectors of a shared server never reach the pages. */
  public static final String CONNECTOR_NAME = "pages";
  static final String ACCESS_LOG_NAME = "web.log";

  private final Home home;
  private final InetSocketAddress bind;
  private final AgentStatusSource agent;
  private final Clock clock;
  private final Path proc;
  private final HostAddresses hostAddresses;
  private Duration idleTimeout = WebServers.DEFAULT_IDLE_TIMEOUT;

  private Server ownServer;
  private Server server;
  private ServerConnector connector;
  private ContextHandler context;
  private AccessLog accessLog;

  /**
   * @param bind  address and port to listen on; a wildcard address listens on all, port 0 on any
   *              free port ({@link #port()} tells which)
   * @param agent the agent's state for {@code /status.json}; {@link AgentStatusSource#UNKNOWN} when
   *              the agent does not run in this process
   */
  public PageServer(Home home, InetSocketAddress bind, AgentStatusSource agent) {
    this(home, bind, agent, Clock.systemDefaultZone(), Path.of("/proc"), HostAddresses.system());
  }

  PageServer(Home home, InetSocketAddress bind, AgentStatusSource agent, Clock clock, Path proc,
      HostAddresses hostAddresses) {
    this.home = home;
    this.bind = bind;
    this.agent = agent;
    this.clock = clock;
    this.proc = proc;
    this.hostAddresses = hostAddresses;
  }

  /** For tests: how long an idle connection stays open (default 30 s). Call before start. */
  PageServer idleTimeout(Duration timeout) {
    this.idleTimeout = timeout;
    return this;
  }

  /** Runs alone: makes a Jetty server with its own small thread pool and starts it. */
  public void start() throws Exception {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    Server s = WebServers.newServer(WebServers.DEFAULT_MAX_THREADS);
    ownServer = s;
    try {
      attach(s);
      s.start();
    } catch (Exception e) {
      close();
      throw e;
    }
    LOG.info("serving {} on {}{}", home.customDir().resolve("www"), describe(),
        new SiteFolder(home.wwwNoCookie()).hasIndex() || new SiteFolder(home.wwwWithCookie()).hasIndex()
            ? "" : " (built-in pages: the appliance has no custom/www/*/index.html)");
  }

  /**
   * Joins a server made by {@link WebServers#newServer} (before or after it was started): adds a
   * connector on this service's address and the page handler behind it.
   */
  public void attach(Server shared) throws Exception {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    server = shared;
    accessLog = openAccessLog(home.logDir().resolve(ACCESS_LOG_NAME));
    PageHandler handler = new PageHandler(home, agent, accessLog, clock, proc, hostAddresses);
    connector = WebServers.addConnector(shared, CONNECTOR_NAME, bind, idleTimeout);
    context = WebServers.mount(shared, CONNECTOR_NAME, handler);
  }

  /** The port listened on; meaningful once the server is started. */
  public int port() {
    if (connector == null) {
      throw new IllegalStateException("not started");
    }
    return connector.getLocalPort();
  }

  /** E.g. {@code http://0.0.0.0:8080/}. */
  public String describe() {
    String host = bind.getAddress() == null ? "0.0.0.0" : bind.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    int port = connector == null || connector.getLocalPort() <= 0 ? bind.getPort() : connector.getLocalPort();
    return "http://" + host + ":" + port + "/";
  }

  /** Blocks until the server stops (by {@link #close()} from another thread or a shutdown hook). */
  public void join() throws InterruptedException {
    if (ownServer != null) {
      ownServer.join();
    }
  }

  @Override
  public void close() {
    if (ownServer != null) {
      try {
        ownServer.stop();
      } catch (Exception e) {
        LOG.warn("stopping the page server: {}", e.toString());
      }
      ownServer = null;
    } else if (server != null && connector != null) {
      WebServers.unmount(server, connector, context);
    }
    server = null;
    if (accessLog != null) {
      accessLog.close();
      accessLog = null;
    }
  }

  private static AccessLog openAccessLog(Path file) {
    try {
      return AccessLog.open(file, AccessLog.DEFAULT_MAX_BYTES);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot write the access log {} ({}): serving without it", file, e.toString());
      return AccessLog.disabled();
    }
  }
}
