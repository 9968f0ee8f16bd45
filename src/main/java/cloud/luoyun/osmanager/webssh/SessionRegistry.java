package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.AcceptLanguage;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The live terminal sessions by token, at most {@code maxSessions}, and what they share: the
 * settings, the failed-login limiter, the (lazily started) SSH connector, an executor, the
 * monotonic clock and the host's locales. Thread-safe.
 */
final class SessionRegistry {
  private final WebTerminalSettings settings;
  private final LoginLimiter limiter;
  private final Supplier<ShellConnector> connector;
  private final Executor executor;
  private final Scheduler scheduler;
  private final LongSupplier nanoClock;
  private final HostLocales hostLocales;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, TerminalSession> sessions = new HashMap<>(); // guarded by this

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

  /** A new session with a fresh random token, or null when {@code maxSessions} are open. */
  synchronized TerminalSession create(InetAddress client) {
    if (sessions.size() >= settings.maxSessions()) {
      return null;
    }
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
  }

  synchronized List<TerminalSession> all() {
    return new ArrayList<>(sessions.values());
  }

  synchronized int size() {
    return sessions.size();
  }
}
