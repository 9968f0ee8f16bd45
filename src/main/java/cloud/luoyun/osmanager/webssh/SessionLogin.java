package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.webssh.ShellConnector.LoginException;
import cloud.luoyun.osmanager.webssh.ShellConnector.ShellLink;
import java.net.InetAddress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login part of a terminal session: the {@code login:} prompt and its line editor, the
 * checks before anyone is asked for a password (user name, free shell slots, the failed-login
 * limiter), then the hand-off to the SSH server, whose prompts (password, keyboard-interactive,
 * a new password) are asked here ({@link ShellConnector.Prompter}) until it gives a shell or
 * refuses. A refusal is said on the screen and the prompt comes again.
 *
 * <pre>
 *   OFF --{@link #start}--> USER --a user name--> AUTHENTICATING --a shell--> OFF
 *                            ^                         | refused, cancelled, no slot
 *                            +-------------------------+
 *   any --{@link #stop} (the session closes)--> OFF
 * </pre>
 *
 * <p>What it writes goes through the session's {@link ShellStream}, in the page's language.
 * Typed lines and answers are never logged (they hold passwords).
 *
 * <p>Thread-safety: guarded by the session's lock, shared with {@link ShellStream}. The session
 * calls {@link #start}, {@link #input} and {@link #stop} with it held; the prompter's methods are
 * called on SSH threads and take it; {@link #awaitAnswer} waits on it, never holding it while the
 * server is asked.
 */
final class SessionLogin implements ShellConnector.Prompter, LineEditor.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(SessionLogin.class);
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}");

  enum Phase { OFF, USER, AUTHENTICATING }

  /** What the session does with a login's shell. */
  interface Admission {
    /**
     * Takes the shell of a login as the session's; called under the lock. False when the session
     * cannot have one (every slot is taken): the shell is closed and the refusal said.
     */
    boolean shellOpened(String user, ShellLink shell);
  }

  private final Object lock;
  private final String name; // the session as the log names it
  private final InetAddress client;
  private final SessionRegistry registry;
  private final ShellStream screen;
  private final Admission admission;
  private final LineEditor editor;

  private Phase phase = Phase.USER;
  private String answer; // the line for the pending prompt
  private boolean promptCancelled;

  /**
   * @param lock the session's lock
   * @param name the session as the log names it (not its token)
   * @param registry the limiter, the connector, the settings and the shell slots
   * @param screen where the prompts and the echo go; also the page's size and languages
   */
  SessionLogin(Object lock, String name, InetAddress client, SessionRegistry registry, ShellStream screen,
      Admission admission) {
    this.lock = lock;
    this.name = name;
    this.client = client;
    this.registry = registry;
    this.screen = screen;
    this.admission = admission;
    this.editor = new LineEditor(this, screen::emit);
  }

  Phase phase() {
    return phase;
  }

  /** Shows the {@code login:} prompt and reads a user name (a new session, or Enter after a shell). */
  void start() {
    phase = Phase.USER;
    prompt();
  }

  /** Bytes typed while there is no shell: for the prompt shown, or kept for the next one. */
  void input(byte[] bytes) {
    editor.feed(bytes);
  }

  /** The session closes: a login under way gives up, a prompt waiting for its answer ends. */
  void stop() {
    phase = Phase.OFF;
    editor.reset();
    lock.notifyAll();
  }

  private void prompt() {
    screen.say(Phrase.LOGIN_PROMPT);
    editor.activate(true);
  }

  @Override
  public void onLine(String line) {
    // called by the editor under the lock
    if (phase == Phase.AUTHENTICATING) {
      answer = line;
      lock.notifyAll();
      return;
    }
    if (phase != Phase.USER) {
      return;
    }
    String user = line.trim();
    if (user.isEmpty()) {
      prompt();
      return;
    }
    if (!USER_NAME.matcher(user).matches()) {
      refuse(Message.of(Phrase.INVALID_USER_NAME));
      return;
    }
    if (registry.shellsFull()) { // no use asking for a password: no shell could open
      refuse(Message.of(Phrase.TOO_MANY_SESSIONS, registry.settings().maxSessions()));
      return;
    }
    LoginLimiter.Wait wait = registry.limiter().waitBeforeLogin(client);
    if (!wait.isZero()) {
      long seconds = Math.max(1, wait.duration().toSeconds());
      refuse(Message.of(wait.overall() ? Phrase.TOO_MANY_FAILURES_OVERALL_WAIT : Phrase.TOO_MANY_FAILURES_WAIT,
          seconds));
      return;
    }
    phase = Phase.AUTHENTICATING;
    answer = null;
    promptCancelled = false;
    int c = screen.cols();
    int r = screen.rows();
    String accepted = screen.acceptLanguage();
    // Off the caller's thread: the first login loads and starts the SSH client (and may ask the
    // host for its locales).
    registry.executor().execute(() -> connect(user, c, r, accepted));
  }

  /** A user name refused before anything was asked of the server: why, and the prompt again. */
  private void refuse(Message why) {
    screen.sayLine(why);
    prompt();
  }

  private void connect(String user, int c, int r, String accepted) {
    try {
      String lang = registry.shellLang(accepted);
      registry.connector().open(user, this, c, r, lang, screen)
          .whenComplete((opened, error) -> opened(user, opened, error));
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("cannot start the SSH client", e);
      opened(user, null, new LoginException(Message.of(Phrase.CLIENT_CANNOT_START, Errors.rootReason(e)),
          false, e));
    }
  }

  @Override
  public void onCancel() {
    if (phase == Phase.AUTHENTICATING) {
      promptCancelled = true;
      lock.notifyAll();
    } else if (phase == Phase.USER) {
      prompt();
    }
  }

  private void opened(String user, ShellLink opened, Throwable error) {
    synchronized (lock) {
      if (phase != Phase.AUTHENTICATING) { // the session closed meanwhile
        if (opened != null) {
          opened.close();
        }
        return;
      }
      if (opened != null) {
        shell(user, opened);
      } else {
        refused(error);
      }
    }
  }

  private void shell(String user, ShellLink opened) {
    if (!admission.shellOpened(user, opened)) { // others logged in meanwhile
      opened.close();
      LOG.info("terminal session {}: {} logged in from {}, but {} shells are open already", name, user,
          client.getHostAddress(), registry.settings().maxSessions());
      editor.reset();
      failed(Message.of(Phrase.TOO_MANY_SESSIONS, registry.settings().maxSessions()));
      return;
    }
    phase = Phase.OFF;
    LOG.info("terminal session {}: {} logged in from {}", name, user, client.getHostAddress());
    registry.limiter().recordSuccess(client);
    byte[] typedAhead = editor.takePending(); // typed after the password: for the shell
    editor.reset();
    if (typedAhead.length > 0) {
      opened.write(typedAhead, () -> { });
    }
    screen.requestOutputIfReady();
  }

  private void refused(Throwable error) {
    editor.reset();
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    Message message = cause instanceof LoginException e ? e.text()
        : Message.of(Phrase.LOGIN_FAILED, Errors.rootReason(cause));
    boolean authFailure = cause instanceof LoginException e && e.isAuthFailure();
    LOG.info("terminal session {}: login from {} failed: {}", name, client.getHostAddress(),
        authFailure ? "refused" : message);
    if (authFailure) {
      registry.limiter().recordFailure(client);
    }
    failed(message);
  }

  private void failed(Message message) {
    phase = Phase.USER;
    screen.emit("\r\n" + ShellStream.printable(message.in(screen.language())) + "\r\n\r\n");
    prompt();
  }

  // ---- the server's prompts (SSH threads)

  @Override
  public void show(String text) {
    synchronized (lock) {
      if (phase == Phase.AUTHENTICATING) {
        screen.emit(ShellStream.printable(text));
      }
    }
  }

  @Override
  public void ask(String prompt, boolean echo) {
    synchronized (lock) {
      if (phase != Phase.AUTHENTICATING) {
        return;
      }
      answer = null;
      screen.emit(ShellStream.printable(prompt));
      editor.activate(echo);
    }
  }

  @Override
  public void ask(Message prompt, boolean echo) {
    synchronized (lock) {
      ask(prompt.in(screen.language()), echo);
    }
  }

  @Override
  public String awaitAnswer(long timeout, TimeUnit unit) throws InterruptedException {
    synchronized (lock) {
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      while (answer == null && !promptCancelled && phase == Phase.AUTHENTICATING) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      if (answer == null) {
        throw new CancellationException("login given up");
      }
      String line = answer;
      answer = null;
      return line;
    }
  }

  @Override
  public boolean attemptFailed() {
    boolean allowed = registry.limiter().recordFailure(client);
    synchronized (lock) {
      screen.sayLine(Message.of(Phrase.TRY_AGAIN));
    }
    return allowed;
  }
}
