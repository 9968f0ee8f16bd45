package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.http.AcceptLanguage;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The live terminal sessions by token and the open sockets, and what they share: the settings,
 * the failed-login limiter, the (lazily started) SSH connector, an executor, the monotonic clock
 * and the host's locales.
 *
 * <p>What may be held, so that nobody can lock the owner out:
 * <ul>
 * <li>at most {@code maxSessions} sessions with a shell (logged in, attached or waiting for their
 *     page): only a login takes a slot ({@link #admitShell}), so pages that never log in take none;
 * <li>at most {@value #WAITING_PER_ADDRESS} sockets per client address without a shell (at the login
 *     prompt, before it, after the shell ended), so one address cannot take every connection;
 *     with the connector's limit that bounds the sessions without a shell too, which end when
 *     their page goes, and time out ({@link WebTerminalSettings#loginTimeout()}).
 * </ul>
 *
 * <p>Thread-safe. Lock order: a session's lock, then this one; this one is never held while
 * calling into a session or a socket.
 */
final class SessionRegistry {
  /** Pages of one client address that may wait for a login at once (a person's few tabs). */
  static final int WAITING_PER_ADDRESS = 4;
  private final WebTerminalSettings settings;
  private final LoginLimiter limiter;
  private final Supplier<ShellConnector> connector;
  private final Executor executor;
  private final Scheduler scheduler;
  private final LongSupplier nanoClock;
  private final HostLocales hostLocales;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, TerminalSession> sessions = new HashMap<>(); // guarded by this
  private final Set<TerminalSession> shells = new HashSet<>(); // guarded by this; those logged in
  private final Set<TerminalSocket> sockets = new HashSet<>(); // guarded by this; open ones

  /** Runs a task after a delay in nanoseconds, on a thread that must not block. */
  interface Scheduler {
    void schedule(Runnable task, long delayNanos);
  }

  SessionRegistry(WebTerminalSettings settings, LoginLimiter limiter, Supplier<ShellConnector> connector,
      Executor executor, Scheduler scheduler, LongSupplier nanoClock) {
    this.hostLocales = HostLocales.system();
    this.settings = settings;
    this.limiter = limiter;
    this.connector = connector;
    this.executor = executor;
    this.scheduler = scheduler;
    this.nanoClock = nanoClock;
  }

  WebTerminalSettings settings() {
    return settings;
  }

  LoginLimiter limiter() {
    return limiter;
  }

  ShellConnector connector() {
    return connector.get();
  }

  Executor executor() {
    return executor;
  }

  void schedule(Runnable task, long delayNanos) {
    scheduler.schedule(task, delayNanos);
  }

  /**
   * The {@code LANG} for a shell of a page with this Accept-Language ({@link ShellLocale}). Only
   * this host's locales are known; an sshd elsewhere gets {@code C.UTF-8}. May run
   * {@code locale -a}: call it off the selector threads.
   */
  String shellLang(String acceptLanguage) {
    if (!settings.sshOnThisHost()) {
      return ShellLocale.FALLBACK;
    }
    return ShellLocale.choose(AcceptLanguage.tags(acceptLanguage), hostLocales.utf8());
  }

  long now() {
    return nanoClock.getAsLong();
  }

  /** A new session, at the login prompt, with a fresh random token. */
  synchronized TerminalSession create(InetAddress client) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    TerminalSession session = new TerminalSession(token, client, this);
    sessions.put(token, session);
    return session;
  }

  synchronized TerminalSession find(String token) {
    return sessions.get(token);
  }

  synchronized void remove(TerminalSession session) {
    sessions.remove(session.token(), session);
    shells.remove(session);
  }

  synchronized List<TerminalSession> all() {
    return new ArrayList<>(sessions.values());
  }

  synchronized int size() {
    return sessions.size();
  }

  /** Whether a login now would find no free slot: {@code maxSessions} shells are open. */
  synchronized boolean shellsFull() {
    return shells.size() >= settings.maxSessions();
  }

  /** Takes a slot for {@code session}'s new shell; false when all are taken. */
  synchronized boolean admitShell(TerminalSession session) {
    if (shells.contains(session)) {
      return true;
    }
    if (shells.size() >= settings.maxSessions()) {
      return false;
    }
    shells.add(session);
    return true;
  }

  /** {@code session}'s shell ended: its slot is free. */
  synchronized void releaseShell(TerminalSession session) {
    shells.remove(session);
  }

  synchronized int shellCount() {
    return shells.size();
  }

  /**
   * Counts a newly opened socket in, unless its client address already has
   * {@value #WAITING_PER_ADDRESS} sockets without a shell.
   */
  synchronized boolean admit(TerminalSocket socket) {
    InetAddress key = LoginLimiter.clientKey(socket.client());
    long waiting = sockets.stream()
        .filter(s -> LoginLimiter.clientKey(s.client()).equals(key) && !shells.contains(s.session())).count();
    if (waiting >= WAITING_PER_ADDRESS) {
      return false;
    }
    sockets.add(socket);
    return true;
  }

  /** A socket closed. */
  synchronized void forget(TerminalSocket socket) {
    sockets.remove(socket);
  }

  synchronized List<TerminalSocket> sockets() {
    return new ArrayList<>(sockets);
  }
}
