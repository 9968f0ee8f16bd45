package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.agent.AgentEvent.Kind;
import cloud.luoyun.osmanager.util.Closeables;
import cloud.luoyun.osmanager.util.Fatal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent service (seed: pyosm): keeps this instance registered with its controller and
 * reports the application's status (SPEC §4).
 *
 * <p>Two threads: the connection thread connects, runs one {@link AgentSession} at a time
 * (blocking on the socket, no polling) and waits out a jittered back-off between attempts, or
 * listens for JOIN beacons when there is no reachable controller; the status thread starts the
 * status script now and then and hands its result, when it comes, to the registered session. The
 * status thread also checks, every {@link AgentSettings#echoInterval()}, that a quiet controller
 * still answers an ECHO request ({@link Liveness}); one that does not within
 * {@link AgentSettings#echoTimeout()} has its connection closed, and the connection thread
 * reconnects as after any drop. It never waits for the script ({@link StatusProbe}): a hung
 * script does not delay noticing a dead controller. No other timer
 * wakes the agent while it is connected. {@link #close()} stops both within about two seconds.
 * Thread-safe.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /**
   * Timing and randomness, apart so tests can run the same code fast and deterministically.
   *
   * @param stableSession a session registered at least this long resets the back-off
   * @param unreachableBeforeDiscovery failed connects to the configured controller before the
   *     agent also listens for JOIN beacons
   * @param nanoClock a monotonic clock (guests' wall clocks jump at boot); also measures the
   *     controller's silence and the ECHO deadline
   * @param random back-off jitter and the bytes of ECHO checks (neither needs secrecy)
   */
  record Tuning(Duration backoffInitial, Duration backoffMax, Duration stableSession, Duration connectTimeout,
      Duration handshakeTimeout, int unreachableBeforeDiscovery, Random random, LongSupplier nanoClock) {
    static Tuning defaults() {
      return new Tuning(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(10),
          Duration.ofSeconds(30), 3, new Random(), System::nanoTime); // jitter needs no secrecy
    }
  }

  private final AgentSettings settings;
  private final AgentListener listener;
  private final Tuning tuning;
  private final Backoff backoff;
  private final StatusProbe probe;
  private final ControllerLink link;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread connectionThread;
  private final ScheduledExecutorService statusThread;

  private volatile boolean closing;
  private volatile Socket currentSocket;
  private volatile Discovery currentDiscovery;
  private volatile AgentSession registeredSession;
  private volatile boolean registeredThisSession;
  private volatile long registeredAt; // nanoClock value, meaningful when registeredThisSession
  private volatile int latestStatus = -1;
  private boolean started; // guarded by this

  public Agent(AgentSettings settings, AgentListener listener) {
    this(settings, listener, Tuning.defaults());
  }

  Agent(AgentSettings settings, AgentListener listener, Tuning tuning) {
    this.settings = settings;
    this.listener = listener;
    this.tuning = tuning;
    this.backoff = new Backoff(tuning.backoffInitial(), tuning.backoffMax(), tuning.random());
    this.connectionThread = new Thread(this::connectLoop, "osm-agent");
    this.connectionThread.setDaemon(true);
    this.statusThread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "osm-agent-status");
      t.setDaemon(true);
      return t;
    });
    this.probe = new StatusProbe(settings.statusScript(), settings.statusTimeout(), statusThread);
    this.link = new ControllerLink(tuning.nanoClock(), Clock.systemUTC());
  }

  public synchronized void start() {
    if (started || closing) {
      throw new IllegalStateException("an agent starts once");
    }
    started = true;
    long every = settings.statusInterval().toMillis();
    statusThread.scheduleWithFixedDelay(Fatal.guarded(log, "status probe", this::probeAndReport), every, every,
        TimeUnit.MILLISECONDS);
    if (settings.echoChecks()) {
      long echoEvery = settings.echoInterval().toMillis();
      statusThread.scheduleWithFixedDelay(Fatal.guarded(log, "liveness check", this::checkLiveness), echoEvery,
          echoEvery, TimeUnit.MILLISECONDS);
    }
    connectionThread.start();
  }

  /**
   * The connection thread. An exception that escapes a round (a bug: failures of the controller
   * and the network are handled inside) starts the agent over after a back-off, and the other parts
   * of the process never notice; an error ends the thread, and with it the daemon
   * ({@code ServiceRunner}): an agent that stopped connecting must not look alive.
   */
  private void connectLoop() {
    int restarts = 0;
    while (!closing) {
      try {
        connectUntilClosed();
      } catch (RuntimeException e) {
        restarts = registeredThisSession ? 1 : restarts + 1; // a registration since: a fresh start
        registeredSession = null;
        Duration delay = restartDelay(restarts);
        log.error("the agent failed unexpectedly; starting it over in {} ms", delay.toMillis(), e);
        emit(Kind.RETRYING, "in " + delay.toMillis() + " ms, after an internal error: " + e);
        pause(delay);
      }
    }
  }

  /**
   * The initial back-off doubled per restart in a row, capped at the maximum; not the jittered
   * back-off, whose source of randomness may be what failed.
   */
  private Duration restartDelay(int restarts) {
    Duration delay = tuning.backoffInitial().multipliedBy(1L << Math.min(restarts - 1, 16));
    return delay.compareTo(tuning.backoffMax()) > 0 ? tuning.backoffMax() : delay;
  }

  private void connectUntilClosed() {
    InetSocketAddress discovered = null;
    int unreachable = 0;
    while (!closing) {
      InetSocketAddress target = discovered != null ? discovered : settings.controller().orElse(null);
      if (target == null) {
        emit(Kind.DISCOVERING, "JOIN beacons on " + hostPort(settings.discoveryGroup()));
        discovered = discover(null).orElse(null);
        if (discovered == null) {
          pause(backoff.next());
        }
        continue;
      }
      registeredThisSession = false;
      SessionEnd end = connectAndRun(target);
      if (end == SessionEnd.CLOSED || closing) {
        break;
      }
      if (registeredThisSession
          && tuning.nanoClock().getAsLong() - registeredAt >= tuning.stableSession().toNanos()) {
        backoff.reset();
      }
      unreachable = end == SessionEnd.UNREACHABLE ? unreachable + 1 : 0;
      // One place decides what a failure means: see SessionEnd.isRecoverable().
      boolean lookElsewhere = !end.isRecoverable()
          && (end != SessionEnd.UNREACHABLE || unreachable >= tuning.unreachableBeforeDiscovery());
      if (lookElsewhere && target.equals(discovered)) {
        discovered = null;
        unreachable = 0;
      }
      Duration delay = backoff.next();
      if (lookElsewhere && discovered == null && settings.controller().isPresent()) {
        // the configured controller stays unreachable (or is not ours): listen for JOIN meanwhile
        emit(Kind.DISCOVERING, "JOIN beacons on " + hostPort(settings.discoveryGroup()) + " for up to "
            + delay.toMillis() + " ms");
        long listenedFrom = System.nanoTime();
        discovered = discover(delay).orElse(null);
        if (discovered == null) {
          // discovery ends early when it cannot listen at all (no multicast route yet at boot):
          // the back-off holds all the same, or the agent would spin connecting and logging
          Duration left = delay.minusNanos(System.nanoTime() - listenedFrom);
          if (!left.isNegative() && !left.isZero()) {
            pause(left);
          }
        }
      } else {
        emit(Kind.RETRYING, "in " + delay.toMillis() + " ms");
        pause(delay);
      }
    }
  }

  private SessionEnd connectAndRun(InetSocketAddress target) {
    emit(Kind.CONNECTING, hostPort(target));
    try (Socket socket = new Socket()) {
      currentSocket = socket;
      if (closing) {
        return SessionEnd.CLOSED;
      }
      configureKeepAlive(socket);
      socket.setTcpNoDelay(true);
      try {
        socket.connect(target, (int) tuning.connectTimeout().toMillis());
      } catch (IOException e) {
        if (closing) {
          return SessionEnd.CLOSED;
        }
        emit(Kind.UNREACHABLE, hostPort(target) + ": " + e.getMessage());
        return SessionEnd.UNREACHABLE;
      }
      Liveness liveness = new Liveness(tuning.nanoClock(), tuning.random(), settings.echoInterval().dividedBy(2),
          settings.echoTimeout());
      return new AgentSession(socket, settings, this, tuning.handshakeTimeout(), liveness).run();
    } catch (IOException e) {
      if (closing) {
        return SessionEnd.CLOSED;
      }
      emit(Kind.DISCONNECTED, hostPort(target) + ": " + e.getMessage());
      return SessionEnd.DROPPED;
    } catch (RuntimeException e) {
      // a bug, not the peer's fault; the agent must keep running all the same
      log.error("session with {} failed unexpectedly", hostPort(target), e);
      emit(Kind.PROTOCOL_ERROR, "internal error: " + e);
      return SessionEnd.PROTOCOL_ERROR;
    } finally {
      currentSocket = null;
    }
  }

  /** TCP keepalive, idle 10 s, interval 10 s, 3 probes: a dead controller is noticed in ~40 s. */
  static void configureKeepAlive(Socket socket) throws IOException {
    socket.setKeepAlive(true);
    try {
      socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 10);
      socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 10);
      socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
    } catch (UnsupportedOperationException e) {
      log.debug("this platform has no per-socket keepalive timing: {}", e.getMessage());
    }
  }

  /** Listens for a JOIN beacon up to timeout (null: until one comes or the agent closes). */
  private Optional<InetSocketAddress> discover(Duration timeout) {
    try (Discovery discovery = new Discovery(settings.discoveryGroup())) {
      currentDiscovery = discovery;
      if (closing) {
        return Optional.empty();
      }
      Optional<InetSocketAddress> found = discovery.await(timeout);
      found.ifPresent(a -> emit(Kind.DISCOVERED, "controller " + hostPort(a)));
      return found;
    } catch (IOException e) {
      if (!closing) {
        link.discoveryFailed(hostPort(settings.discoveryGroup()) + ": " + e.getMessage());
      }
      return Optional.empty();
    } finally {
      currentDiscovery = null;
    }
  }

  private void pause(Duration delay) {
    try {
      closed.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
    }
  }

  /**
   * On the status thread: starts the script (or joins the run under way) and returns at once;
   * the answer comes back on this thread, where it is remembered and reported if registered.
   */
  private void probeAndReport() {
    probe.run().thenAccept(status -> Fatal.guarded(log, "status report", () -> reportStatus(status)).run());
  }

  private void reportStatus(int status) {
    if (closing) {
      return;
    }
    boolean changed = status != latestStatus;
    latestStatus = status;
    if (changed) {
      emit(Kind.APPLICATION_STATUS, Integer.toString(status));
    }
    AgentSession session = registeredSession;
    if (session != null) {
      session.report(status);
    }
  }

  /** On the status thread: has the registered session ask a quiet controller for an ECHO. */
  private void checkLiveness() {
    AgentSession session = registeredSession;
    if (session != null) {
      session.checkLiveness();
    }
  }

  // --- called by AgentSession ---

  /**
   * Has the status thread look again when the ECHO just sent is due, rather than at the next
   * check: one wake-up per ECHO, so a vanished controller is noticed after the time limit itself.
   */
  void echoSent(AgentSession session) {
    try {
      statusThread.schedule(Fatal.guarded(log, "ECHO deadline check", session::checkEchoDeadline),
          settings.echoTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      log.debug("status thread is stopping: {}", e.toString());
    }
  }

  /** Records the registration, tells the listeners, then has the status thread report. */
  void sessionRegistered(AgentSession session, String detail) {
    registeredAt = tuning.nanoClock().getAsLong();
    registeredThisSession = true;
    registeredSession = session;
    emit(Kind.REGISTERED, detail); // before the status thread can report: events keep their order
    try {
      // the first REPORT is the script's real answer
      statusThread.execute(Fatal.guarded(log, "status probe", this::probeAndReport));
    } catch (RuntimeException e) {
      log.debug("status thread is stopping: {}", e.toString());
    }
  }

  void sessionEnded(AgentSession session) {
    if (registeredSession == session) {
      registeredSession = null;
    }
  }

  int latestStatus() {
    return latestStatus;
  }

  /** A session reported {@code status} to the controller at {@code peer}. */
  void reported(int status, String peer) {
    link.reported(status);
    emit(Kind.REPORTED, status + " to " + peer);
  }

  /** What the agent knows of its controller now, for {@code osmanager status}. Thread-safe. */
  public ControllerState controllerState() {
    return link.snapshot(isRegistered());
  }

  /** Whether a controller has accepted this agent and the connection is still up. Thread-safe. */
  public boolean isRegistered() {
    return registeredSession != null;
  }

  /** The status script's latest answer (2000 + exit code, 2128 unknown); empty before its first run. */
  public OptionalInt applicationStatus() {
    int s = latestStatus;
    return s < 0 ? OptionalInt.empty() : OptionalInt.of(s);
  }

  boolean isClosing() {
    return closing;
  }

  void emit(Kind kind, String detail) {
    AgentEvent event = new AgentEvent(kind, detail);
    link.onEvent(event); // logs it, at the level its news deserves
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.error("event listener failed on {}", kind, e);
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Stops: closes the connection or discovery, stops the status script; returns within ~2 s. */
  @Override
  public void close() {
    closing = true;
    closed.countDown();
    Closeables.closeQuietly(currentSocket);
    Discovery discovery = currentDiscovery;
    if (discovery != null) {
      discovery.close();
    }
    probe.close(); // a script under way is killed, its process group with it
    statusThread.shutdownNow();
    try {
      if (connectionThread.isAlive()) {
        connectionThread.join(1500);
      }
      statusThread.awaitTermination(500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
