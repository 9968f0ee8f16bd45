package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.http.HttpLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's own web page (the seed's pyweb), default port 8080: the owner's pages from
 * {@code custom/www/withcookie/} for requests whose {@code cookie} query parameter is the config's
 * cookie, everyone else's from {@code custom/www/nocookie/}, built-in pages when the appliance has
 * none, and the owner's {@code /status.json}.
 *
 * <p>A part of the process's {@link HttpLayer}: {@link #attach} adds its port and handler to it
 * ({@code osmanager run}, beside the web terminal); {@link #start()} makes a layer of its own and
 * attaches to that ({@code osmanager web}). {@link #close()} detaches, and stops the layer only if
 * it made it.
 *
 * <p>Not thread-safe for its lifecycle calls (call start/attach and close from one thread); the
 * requests it serves run on the layer's pool.
 */
public final class PageServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PageServer.class);
  public static final int DEFAULT_PORT = 8080;
  /** The connector name; requests on other ports of a shared server never reach the pages. */
  public static final String CONNECTOR_NAME = "pages";
  /** Open connections at once; with the layer's per-connection limits, a few MiB of heap at most. */
  static final int MAX_CONNECTIONS = 256;
  static final String ACCESS_LOG_NAME = "web.log";

  private final Home home;
  private final InetSocketAddress bind;
  private final AgentStatusSource agent;
  private final TerminalLink terminal;
  private final Clock clock;
  private final Path proc;
  private final HostAddresses hostAddresses;
  private Duration idleTimeout = HttpLayer.DEFAULT_IDLE_TIMEOUT;
  private long inFlightBytes = PageHandler.MAX_IN_FLIGHT_BYTES;
  private Recheck recheck = Recheck.EVERY_SECOND;

  private HttpLayer ownLayer;
  private HttpLayer.Attachment attachment;
  private AccessLog accessLog;

  /**
   * @param bind     address and port to listen on; a wildcard address listens on all, port 0 on any
   *                 free port ({@link #port()} tells which)
   * @param agent    the agent's state for {@code /status.json}; {@link AgentStatusSource#UNKNOWN} when
   *                 the agent does not run in this process
   * @param terminal where the owner's built-in page links to the web terminal
   */
  public PageServer(Home home, InetSocketAddress bind, AgentStatusSource agent, TerminalLink terminal) {
    this(home, bind, agent, terminal, Clock.systemDefaultZone(), Path.of("/proc"), HostAddresses.system());
  }

  PageServer(Home home, InetSocketAddress bind, AgentStatusSource agent, TerminalLink terminal, Clock clock,
      Path proc, HostAddresses hostAddresses) {
    this.home = home;
    this.bind = bind;
    this.agent = agent;
    this.terminal = terminal;
    this.clock = clock;
    this.proc = proc;
    this.hostAddresses = hostAddresses;
  }

  /** For tests: how long an idle connection stays open (default 30 s). Call before start. */
  PageServer idleTimeout(Duration timeout) {
    this.idleTimeout = timeout;
    return this;
  }

  /** For tests: the heap requests may hold beyond the cache (default 8 MiB). Call before start. */
  PageServer inFlightBytes(long bytes) {
    this.inFlightBytes = bytes;
    return this;
  }

  /** For tests: when files are looked at again (default: once a second). Call before start. */
  PageServer recheck(Recheck recheck) {
    this.recheck = recheck;
    return this;
  }

  /** Runs alone: makes an HTTP layer of its own, attaches to it and starts it. */
  public void start() throws Exception {
    if (attachment != null) {
      throw new IllegalStateException("already started");
    }
    ownLayer = HttpLayer.create();
    try {
      attach(ownLayer);
      ownLayer.start();
    } catch (Exception e) {
      close();
      throw e;
    }
    LOG.info("serving {} on {}{}", home.customDir().resolve("www"), describe(),
        new SiteFolder(home.wwwNoCookie(), recheck).hasIndex() || new SiteFolder(home.wwwWithCookie(), recheck).hasIndex()
            ? "" : " (built-in pages: the appliance has no custom/www/*/index.html)");
  }

  /** Adds this service's port and the page handler behind it to {@code http}, started or not. */
  public void attach(HttpLayer http) throws Exception {
    if (attachment != null) {
      throw new IllegalStateException("already started");
    }
    accessLog = openAccessLog(home.logDir().resolve(ACCESS_LOG_NAME));
    PageHandler handler = new PageHandler(home, agent, terminal, accessLog, clock, proc, hostAddresses,
        inFlightBytes, recheck);
    attachment = http.attach(new HttpLayer.Port(CONNECTOR_NAME, bind, idleTimeout, MAX_CONNECTIONS), handler);
  }

  /** The port listened on; meaningful once the server is started. */
  public int port() {
    if (attachment == null) {
      throw new IllegalStateException("not started");
    }
    return attachment.port();
  }

  /** E.g. {@code http://0.0.0.0:8080/}. */
  public String describe() {
    String host = bind.getAddress() == null ? "0.0.0.0" : bind.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    int port = attachment == null || attachment.port() <= 0 ? bind.getPort() : attachment.port();
    return "http://" + host + ":" + port + "/";
  }

  /** Blocks until the server stops (by {@link #close()} from another thread or a shutdown hook). */
  public void join() throws InterruptedException {
    if (ownLayer != null) {
      ownLayer.join();
    }
  }

  @Override
  public void close() {
    if (attachment != null) {
      attachment.close();
      attachment = null;
    }
    if (ownLayer != null) {
      ownLayer.close();
      ownLayer = null;
    }
    if (accessLog != null) {
      accessLog.close();
      accessLog = null;
    }
  }

  private static AccessLog openAccessLog(Path file) {
    try {
      return AccessLog.open(file, AccessLog.DEFAULT_MAX_BYTES);
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot write the access log {} ({}): serving without it", file, Errors.describe(e));
      return AccessLog.disabled();
    }
  }
}
