package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.Fatal;
import cloud.luoyun.osmanager.http.HttpLayer;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web terminal: a page with xterm.js on its own port, over TLS, whose WebSocket ({@code /ws},
 * format in {@link TerminalProtocol}) logs into the instance's sshd and carries a login shell.
 *
 * <p>A part of the process's {@link HttpLayer}: {@link #attach} adds its port and handler to it
 * ({@code osmanager run}, beside the page server); {@link #start()} makes a layer of its own and
 * attaches to that ({@code osmanager webssh}). {@link #close()} ends the sessions, detaches, and
 * stops the layer only if it made it.
 *
 * <p>Loaded as late as possible: the JDK's TLS at the first TLS connection when the certificate's
 * stamp vouches for it ({@link #attach}), Jetty's WebSocket machinery at the first request for {@code /ws}
 * ({@link TerminalHandler}), the SSH library at the first login, the sweeper thread (timeouts,
 * pings) with the first session.
 */
public final class WebTerminal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebTerminal.class);
  static final String CONNECTOR_NAME = "webssh";
  /**
   * Open connections on the terminal's port: the page's few requests and one WebSocket per tab.
   * Kept apart from the page server's, so a flood of page requests never takes the terminal's.
   */
  static final int MAX_CONNECTIONS = 64;
  /** Failed logins per client address: 5, then one more every 30 s. */
  static final LoginLimiter.Rate PER_ADDRESS_FAILURES = new LoginLimiter.Rate(5, Duration.ofSeconds(30));
  /** Failed logins from all addresses together: 10, then one more every 10 s (see {@link LoginLimiter}). */
  static final LoginLimiter.Rate OVERALL_FAILURES = new LoginLimiter.Rate(10, Duration.ofSeconds(10));

  private final WebTerminalSettings settings;
  private final SessionRegistry registry;
  private final OriginCheck names;
  private final DownloadTickets tickets = new DownloadTickets(System::nanoTime);
  private ShellConnector ssh; // guarded by this; created at the first login
  private ScheduledExecutorService sweeper; // guarded by this; created with the first session
  private HttpLayer ownLayer;
  // read on request threads (the page's link asks the port; the first /ws builds the WebSocket)
  private volatile HttpLayer.Attachment attachment;
  private volatile TerminalHandler handler;
  private volatile Executor executor;
  private final Object tlsLock = new Object();
  private volatile TlsIdentity identity; // guarded by tlsLock when set; null until read (see attach)
  private volatile String fingerprint;
  private boolean closed; // guarded by this

  public WebTerminal(WebTerminalSettings settings) {
    this.settings = settings;
    this.names = new OriginCheck(settings.instance().names());
    LoginLimiter limiter = new LoginLimiter(PER_ADDRESS_FAILURES, OVERALL_FAILURES, 4096, System::nanoTime);
    this.registry = new SessionRegistry(settings, limiter, this::ssh, command -> executor.execute(command),
        this::schedule, System::nanoTime);
  }

  /** Runs alone: makes an HTTP layer of its own, attaches to it and starts it; returns once listening. */
  public synchronized void start() throws Exception {
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
    LOG.info("web terminal listening on port {} (TLS, certificate SHA-256 {}; SSH to {}:{})", port(),
        fingerprint, settings.sshHost(), settings.sshPort());
  }

  /**
   * Adds this terminal's port and handler to {@code http}, started or not. The port speaks TLS
   * with the operator's certificate or the terminal's own, made now if needed
   * ({@link TerminalCertificate}); plain HTTP on it is redirected to HTTPS.
   *
   * <p>Its own certificate, when an earlier check's stamp vouches for it
   * ({@link TerminalCertificate#vouched}), is only announced now (its fingerprint) and read at the
   * first TLS connection, checked again then: a terminal no browser visits never loads the JDK's
   * TLS.
   *
   * @throws IOException when the terminal's own certificate can be neither read nor made
   */
  public synchronized void attach(HttpLayer http) throws Exception {
    if (attachment != null) {
      throw new IllegalStateException("already attached");
    }
    Optional<String> vouched = settings.tls().isPresent() ? Optional.empty()
        : TerminalCertificate.vouched(settings.stateDir(), settings.instance(), Clock.systemUTC());
    if (vouched.isPresent()) {
      fingerprint = vouched.get();
    } else {
      identity(); // the operator's, or a check now (which may make one)
    }
    executor = http.server().getThreadPool();
    HttpLayer.Port port = new HttpLayer.Port(CONNECTOR_NAME, settings.bindAddress(), HttpLayer.DEFAULT_IDLE_TIMEOUT,
        MAX_CONNECTIONS, Optional.of(() -> identity().sslContext()));
    handler = new TerminalHandler(new StaticPages(settings), names, this::startWebSocket,
        new DownloadHandler(tickets, names));
    attachment = http.attach(port, handler);
  }

  /** The certificate served, read and checked the first time it is asked for. */
  private TlsIdentity identity() throws IOException {
    synchronized (tlsLock) {
      TlsIdentity id = identity;
      if (id == null) {
        id = TerminalCertificate.choose(settings, Clock.systemUTC());
        fingerprint = id.fingerprint(); // another one if it was made anew since it was announced
        identity = id;
      }
      return id;
    }
  }

  private Handler startWebSocket() {
    return TerminalWebSocket.start(attachment.context(), settings, names, registry, tickets, this::ensureSweeper);
  }

  /**
   * The SHA-256 fingerprint of the certificate the terminal serves ({@link TlsIdentity#fingerprint()}),
   * which the owner's page shows; empty before {@link #attach}.
   */
  public Optional<String> fingerprint() {
    return Optional.ofNullable(fingerprint);
  }

  /**
   * Whether that certificate is the terminal's own, self-signed one, which browsers warn about;
   * false until it was read.
   */
  public boolean selfSigned() {
    TlsIdentity id = identity;
    return id != null && id.isSelfSigned();
  }

  /** The port listened on (the real one when the settings said 0); -1 before the server started. */
  public int port() {
    HttpLayer.Attachment a = attachment;
    return a == null ? -1 : a.port();
  }

  /** Open terminal sessions, at the login prompt or with a shell (attached or waiting for their page). */
  public int sessionCount() {
    return registry.size();
  }

  /** Sessions with a shell: those that count against the limit. */
  int shellCount() {
    return registry.shellCount();
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
      sweeper.scheduleWithFixedDelay(Fatal.guarded(LOG, "terminal sweep", this::sweep), period, period,
          TimeUnit.MILLISECONDS);
    }
  }

  private void schedule(Runnable task, long delayNanos) {
    ScheduledExecutorService timer;
    synchronized (this) {
      timer = sweeper;
    }
    try {
      timer.schedule(Fatal.guarded(LOG, "terminal output", task), delayNanos, TimeUnit.NANOSECONDS);
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
    for (TerminalSocket socket : registry.sockets()) {
      socket.sweep(now);
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
    if (attachment != null) {
      attachment.close();
    }
    if (ownLayer != null) {
      ownLayer.close();
    }
  }

  /** Whether the certificate served has been read (at start, or at the first TLS connection). For tests. */
  boolean certificateRead() {
    return identity != null;
  }

  /** Whether Jetty's WebSocket machinery has been built (a page asked for {@code /ws}). For tests. */
  boolean webSocketStarted() {
    TerminalHandler h = handler;
    return h != null && h.webSocketStarted();
  }
}
