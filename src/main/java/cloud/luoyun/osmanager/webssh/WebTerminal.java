package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.JettyDefaults;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.compression.DeflaterPool;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web terminal: a page with xterm.js on its own port, whose WebSocket ({@code /ws}, format in
 * {@link TerminalProtocol}) logs into the instance's sshd and carries a login shell.
 *
 * <p>Two ways to run it. Alone: {@link #start()} makes a small Jetty {@link Server} of its own.
 * Beside the other parts of osmanager: {@link #attach(Server)} adds this terminal's connector to a
 * shared server and returns the handler to mount (bound to that connector), the caller starts the
 * server; either way {@link #close()} ends the sessions (and stops the server only if it owns it).
 *
 * <p>Nothing of the SSH library is loaded until the first login; the sweeper thread (timeouts,
 * pings) starts with the first session.
 */
public final class WebTerminal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebTerminal.class);
  private static final String CONNECTOR_NAME = "webssh";

  private final WebTerminalSettings settings;
  private final SessionRegistry registry;
  private ShellConnector ssh; // guarded by this; created at the first login
  private ScheduledExecutorService sweeper; // guarded by this; created with the first session
  private Server ownServer;
  private ServerConnector connector;
  private volatile Executor executor;
  private boolean closed; // guarded by this

  public WebTerminal(WebTerminalSettings settings) {
    JettyDefaults.prepare();
    this.settings = settings;
    LoginLimiter limiter = new LoginLimiter(5, Duration.ofSeconds(30), 4096, System::nanoTime);
    this.registry = new SessionRegistry(settings, limiter, this::ssh, command -> executor.execute(command),
        this::schedule, System::nanoTime);
  }

  /** Runs alone on a server of its own; returns once listening. */
  public synchronized void start() throws Exception {
    if (ownServer != null || connector != null) {
      throw new IllegalStateException("already started");
    }
    QueuedThreadPool pool = new QueuedThreadPool(24, 2);
    pool.setName("webssh");
    ownServer = new Server(pool);
    ownServer.setHandler(attach(ownServer));
    ownServer.setStopTimeout(2000);
    try {
      ownServer.start();
    } catch (Exception e) {
      ownServer.stop();
      throw e;
    }
    LOG.info("web terminal listening on port {} (SSH to {}:{})", port(), settings.sshHost(), settings.sshPort());
  }

  /**
   * Adds this terminal's connector to {@code server} (not yet started) and returns the handler
   * for it: a context bound to that connector, to put in the server's handler tree.
   */
  public synchronized ContextHandler attach(Server server) {
    if (connector != null) {
      throw new IllegalStateException("already attached");
    }
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setName(CONNECTOR_NAME);
    connector.setHost(settings.bindHost().orElse(null));
    connector.setPort(settings.port());
    server.addConnector(connector);
    executor = server.getThreadPool();

    ContextHandler context = new ContextHandler("/");
    context.setVirtualHosts(List.of("@" + CONNECTOR_NAME));
    // Browsers always offer permessage-deflate. At Jetty's default level (6) compressing
    // ordinary terminal text runs at ~20 MB/s on a core here: it was the ceiling of bulk output
    // in a browser. Level 1 is ~5x faster for ~25% more bytes (0.36 instead of 0.29 of the text).
    DeflaterPool deflaters = new DeflaterPool(settings.maxSessions(), Deflater.BEST_SPEED, true);
    context.addBean(deflaters);
    context.setAttribute(WebSocketServerComponents.WEBSOCKET_DEFLATER_POOL_ATTRIBUTE, deflaters);
    WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, context, container -> {
      container.setMaxBinaryMessageSize(TerminalProtocol.MAX_MESSAGE);
      container.setMaxTextMessageSize(1024);
      container.setIdleTimeout(settings.pingInterval().multipliedBy(4));
      // The socket's handlers never block (input is written to SSH asynchronously, the first
      // login starts on the pool): let Jetty run them on the selector, saving a thread hop per
      // keystroke.
      container.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
      container.addMapping("/ws", (request, response, callback) -> {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        String host = request.getHeaders().get(HttpHeader.HOST);
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!OriginCheck.sameOrigin(origin, host, request.isSecure())) {
          LOG.info("refused a terminal WebSocket from {}: Origin {} is not this page's ({})", remote, origin, host);
          Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "cross-origin request refused");
          return null;
        }
        InetAddress address = remote instanceof InetSocketAddress inet ? inet.getAddress()
            : InetAddress.getLoopbackAddress();
        ensureSweeper();
        return new TerminalSocket(registry, address);
      });
    });
    upgrade.setHandler(new StaticPages(settings));
    context.setHandler(upgrade);
    return context;
  }

  /** The port listened on (the real one when the settings said 0); -1 before the server started. */
  public int port() {
    return connector == null ? -1 : connector.getLocalPort();
  }

  /** Open terminal sessions, attached or waiting for their page. */
  public int sessionCount() {
    return registry.size();
  }

  private synchronized ShellConnector ssh() {
    if (closed) {
      throw new IllegalStateException("the web terminal is closing");
    }
    if (ssh == null) {
      long started = System.nanoTime();
      ssh = new MinaShellConnector(settings);
      LOG.info("SSH client started in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
    return ssh;
  }

  private synchronized void ensureSweeper() {
    if (sweeper == null && !closed) {
      sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webssh-sweeper");
        t.setDaemon(true);
        return t;
      });
      // a few sweeps per ping interval, at most one a second
      long period = Math.max(50, Math.min(1000, settings.pingInterval().toMillis() / 4));
      sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }
  }

  private void schedule(Runnable task, long delayNanos) {
    ScheduledExecutorService timer;
    synchronized (this) {
      timer = sweeper;
    }
    try {
      timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // closing: run it now rather than lose output
      task.run();
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    for (TerminalSession session : registry.all()) {
      try {
        session.sweep(now);
      } catch (RuntimeException e) {
        LOG.warn("terminal session sweep failed", e);
      }
    }
  }

  /** Ends every session and stops what this terminal owns. */
  @Override
  public void close() {
    ShellConnector client;
    ScheduledExecutorService timer;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      client = ssh;
      timer = sweeper;
    }
    for (TerminalSession session : registry.all()) {
      session.close("the web terminal is stopping", Message.of(Phrase.STOPPING));
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    if (client != null) {
      client.close();
    }
    if (ownServer != null) {
      try {
        ownServer.stop();
      } catch (Exception e) {
        LOG.warn("stopping the web terminal's server", e);
      }
    }
  }
}
