package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.webssh.ShellConnector.LoginException;
import cloud.luoyun.osmanager.webssh.ShellConnector.ShellLink;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser tab's terminal, from the {@code login:} prompt to the shell's end and again; it
 * outlives the WebSocket (a refresh, a dropped connection) for a grace period, and the tab
 * reattaches with its token.
 *
 * <pre>
 *   LOGIN --user--> AUTHENTICATING --shell opened--> SHELL --shell ended--> ENDED --Enter--> LOGIN
 *      ^                  |  refused / cancelled                                  |
 *      +------------------+                                                       |
 *   any state --idle timeout, grace over, server closing--> CLOSED  <-------------+ (idle)
 * </pre>
 *
 * <p>Only a session with a shell holds one of the registry's {@code maxSessions} slots (taken when
 * the login succeeds, given back when the shell ends), and only such a session waits for its page
 * when the socket drops: one without a shell ends with its page, and ends anyway when no login
 * has succeeded within {@link WebTerminalSettings#loginTimeout()} of its login prompt.
 *
 * <p>Thread-safety: all state is guarded by {@code this}. Called from Jetty threads (input,
 * socket events), SSH threads (output, prompts, shell end) and the sweeper. Never blocks while
 * holding the lock except for non-blocking sends; prompts wait outside it. Typed input and
 * answers to prompts are never logged.
 */
final class TerminalSession implements ShellConnector.Prompter, ShellConnector.ShellListener, LineEditor.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalSession.class);
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}");
  private static final long COALESCE_NANOS = 1_000_000; // 1 ms
  private static final int MAX_BATCH = 32 * 1024;

  enum State { LOGIN, AUTHENTICATING, SHELL, ENDED, CLOSED }

  private final String token;
  private final InetAddress client;
  private final SessionRegistry registry;
  private final ReplayBuffer replay;
  private final LineEditor editor;

  private State state = State.LOGIN;
  private TerminalSocket socket; // null while detached
  // what the page attached last asks for: the terminal's language, and its Accept-Language for LANG
  private TerminalLanguage language = TerminalLanguage.EN;
  private String acceptLanguage;
  private long detachedAt;
  private long lastInput;
  private long loginSince; // when the login prompt appeared: the session's start, or Enter after a shell
  private int cols = 80;
  private int rows = 24;
  private long unacked; // output bytes sent (or batched) on the current socket and not yet ACKed
  // Shell output coalescing: a burst (bulk output) is sent as fewer, larger messages; output
  // after a quiet moment (a keystroke's echo) goes at once.
  private final java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
  private boolean flushScheduled;
  private long lastFlush;
  private boolean outputRequested;
  private ShellLink link;
  private final SessionFiles files; // the Files panel's part: the SFTP channel of the login
  private String answer; // the line for the pending prompt
  private boolean promptCancelled;

  TerminalSession(String token, InetAddress client, SessionRegistry registry) {
    this.token = token;
    this.client = client;
    this.registry = registry;
    this.replay = new ReplayBuffer(registry.settings().replayBytes());
    this.editor = new LineEditor(this, this::emit);
    this.files = new SessionFiles(registry.executor());
    this.lastInput = registry.now();
    this.detachedAt = lastInput;
    this.loginSince = lastInput;
  }

  String token() {
    return token;
  }

  /** The address of the page that opened the session; only a page from there may reattach. */
  InetAddress client() {
    return client;
  }

  synchronized State state() {
    return state;
  }

  /**
   * Connects a page; a fresh session shows the login prompt, a known one its screen again.
   *
   * @param before a line to show a fresh session's page first (why it did not get the session it
   *     asked for), or null
   */
  void attach(TerminalSocket newSocket, int newCols, int newRows, boolean fresh, Message before) {
    ShellLink resizeLink;
    TerminalSocket replaced;
    synchronized (this) {
      if (state == State.CLOSED) {
        newSocket.close(TerminalProtocol.CLOSE_ENDED, Message.of(Phrase.SESSION_ENDED));
        return;
      }
      replaced = socket;
      socket = newSocket;
      language = newSocket.language();
      acceptLanguage = newSocket.acceptLanguage();
      unacked = 0;
      batch.reset(); // already in the replay buffer, which a reattach sends
      lastInput = registry.now();
      newSocket.send(TerminalProtocol.session(token));
      if (fresh) {
        if (before != null) {
          sayLine(before);
        }
        cols = newCols;
        rows = newRows;
        say(Phrase.LOGIN_PROMPT);
        editor.activate(true);
        resizeLink = null;
      } else {
        byte[] screen = replay.snapshot();
        newSocket.send(TerminalProtocol.replay(screen));
        unacked += screen.length;
        resizeLink = link;
        cols = newCols;
        rows = newRows;
      }
      requestOutputIfReady();
    }
    if (replaced != null) {
      replaced.close(TerminalProtocol.CLOSE_REPLACED, Message.of(Phrase.OPENED_ELSEWHERE));
    }
    if (resizeLink != null) {
      // Make full-screen programs redraw: a size change sends them SIGWINCH, the same size does not.
      resizeLink.resize(newCols, Math.max(1, newRows - 1));
      resizeLink.resize(newCols, newRows);
    }
  }

  /**
   * The page's socket closed. A session with a shell waits for it (grace period); one without
   * ends now: it has nothing worth coming back to, and must not hold anything for a page that went.
   */
  void detach(TerminalSocket closed) {
    synchronized (this) {
      if (socket != closed) {
        return;
      }
      socket = null;
      detachedAt = registry.now();
      if (state == State.SHELL) {
        return;
      }
    }
    close("its page went before a login", null);
  }

  /** Bytes typed or pasted; {@code done} runs once they are consumed, to read the next message. */
  void input(byte[] bytes, Runnable done) {
    ShellLink target = null;
    synchronized (this) {
      lastInput = registry.now();
      switch (state) {
        case LOGIN, AUTHENTICATING -> editor.feed(bytes);
        case SHELL -> target = link;
        case ENDED -> {
          for (byte b : bytes) {
            if (b == '\r' || b == '\n') {
              state = State.LOGIN;
              loginSince = lastInput;
              say(Phrase.LOGIN_PROMPT);
              editor.activate(true);
              break;
            }
          }
        }
        case CLOSED -> { }
      }
    }
    if (target != null) {
      target.write(bytes, done);
    } else {
      done.run();
    }
  }

  void resize(int newCols, int newRows) {
    ShellLink target;
    synchronized (this) {
      if (newCols == cols && newRows == rows) {
        return;
      }
      cols = newCols;
      rows = newRows;
      target = state == State.SHELL ? link : null;
    }
    if (target != null) {
      target.resize(newCols, newRows);
    }
  }

  synchronized void ack(long count) {
    unacked = Math.max(0, unacked - count);
    requestOutputIfReady();
  }

  // ---- login

  @Override
  public void onLine(String line) {
    // called by the editor under our lock
    if (state == State.AUTHENTICATING) {
      answer = line;
      notifyAll();
      return;
    }
    if (state != State.LOGIN) {
      return;
    }
    String user = line.trim();
    if (user.isEmpty()) {
      say(Phrase.LOGIN_PROMPT);
      editor.activate(true);
      return;
    }
    if (!USER_NAME.matcher(user).matches()) {
      sayLine(Message.of(Phrase.INVALID_USER_NAME));
      say(Phrase.LOGIN_PROMPT);
      editor.activate(true);
      return;
    }
    if (registry.shellsFull()) { // no use asking for a password: no shell could open
      sayLine(Message.of(Phrase.TOO_MANY_SESSIONS, registry.settings().maxSessions()));
      say(Phrase.LOGIN_PROMPT);
      editor.activate(true);
      return;
    }
    LoginLimiter.Wait wait = registry.limiter().waitBeforeLogin(client);
    if (!wait.isZero()) {
      long seconds = Math.max(1, wait.duration().toSeconds());
      sayLine(Message.of(wait.overall() ? Phrase.TOO_MANY_FAILURES_OVERALL_WAIT : Phrase.TOO_MANY_FAILURES_WAIT,
          seconds));
      say(Phrase.LOGIN_PROMPT);
      editor.activate(true);
      return;
    }
    state = State.AUTHENTICATING;
    answer = null;
    promptCancelled = false;
    int c = cols;
    int r = rows;
    String accepted = acceptLanguage;
    // Off the caller's thread: the first login loads and starts the SSH client (and may ask the
    // host for its locales).
    registry.executor().execute(() -> startLogin(user, c, r, accepted));
  }

  private void startLogin(String user, int c, int r, String accepted) {
    try {
      String lang = registry.shellLang(accepted);
      registry.connector().open(user, this, c, r, lang, this)
          .whenComplete((opened, error) -> opened(user, opened, error));
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("cannot start the SSH client", e);
      opened(user, null, new LoginException(Message.of(Phrase.CLIENT_CANNOT_START, Errors.rootReason(e)),
          false, e));
    }
  }

  @Override
  public void onCancel() {
    if (state == State.AUTHENTICATING) {
      promptCancelled = true;
      notifyAll();
    } else if (state == State.LOGIN) {
      say(Phrase.LOGIN_PROMPT);
      editor.activate(true);
    }
  }

  private synchronized void opened(String user, ShellLink opened, Throwable error) {
    if (state != State.AUTHENTICATING) {
      if (opened != null) {
        opened.close();
      }
      return;
    }
    if (opened != null && !registry.admitShell(this)) { // others logged in meanwhile
      opened.close();
      LOG.info("terminal session {}: {} logged in from {}, but {} shells are open already", shortToken(), user,
          client.getHostAddress(), registry.settings().maxSessions());
      editor.reset();
      loginFailed(Message.of(Phrase.TOO_MANY_SESSIONS, registry.settings().maxSessions()));
      return;
    }
    if (opened != null) {
      link = opened;
      files.loggedIn(opened, user);
      state = State.SHELL;
      outputRequested = false;
      LOG.info("terminal session {}: {} logged in from {}", shortToken(), user, client.getHostAddress());
      registry.limiter().recordSuccess(client);
      byte[] typedAhead = editor.takePending(); // typed after the password: for the shell
      editor.reset();
      if (typedAhead.length > 0) {
        opened.write(typedAhead, () -> { });
      }
      requestOutputIfReady();
      return;
    }
    editor.reset();
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    Message message = cause instanceof LoginException e ? e.text()
        : Message.of(Phrase.LOGIN_FAILED, Errors.rootReason(cause));
    boolean authFailure = cause instanceof LoginException e && e.isAuthFailure();
    LOG.info("terminal session {}: login from {} failed: {}", shortToken(), client.getHostAddress(),
        authFailure ? "refused" : message);
    if (authFailure) {
      registry.limiter().recordFailure(client);
    }
    loginFailed(message);
  }

  private void loginFailed(Message message) {
    state = State.LOGIN;
    emit("\r\n" + printable(message.in(language)) + "\r\n\r\n");
    say(Phrase.LOGIN_PROMPT);
    editor.activate(true);
  }

  @Override
  public synchronized void show(String text) {
    if (state == State.AUTHENTICATING) {
      emit(printable(text));
    }
  }

  @Override
  public synchronized void ask(String prompt, boolean echo) {
    if (state != State.AUTHENTICATING) {
      return;
    }
    answer = null;
    emit(printable(prompt));
    editor.activate(echo);
  }

  @Override
  public synchronized void ask(Message prompt, boolean echo) {
    ask(prompt.in(language), echo);
  }

  @Override
  public synchronized String awaitAnswer(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (answer == null && !promptCancelled && state == State.AUTHENTICATING) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    if (answer == null) {
      throw new CancellationException("login given up");
    }
    String line = answer;
    answer = null;
    return line;
  }

  @Override
  public boolean attemptFailed() {
    boolean allowed = registry.limiter().recordFailure(client);
    synchronized (this) {
      sayLine(Message.of(Phrase.TRY_AGAIN));
    }
    return allowed;
  }

  // ---- shell

  @Override
  public synchronized void output(byte[] bytes, int offset, int length) {
    outputRequested = false;
    if (state != State.SHELL) {
      return;
    }
    replay.append(bytes, offset, length);
    if (socket != null) {
      batch.write(bytes, offset, length);
      unacked += length;
      long now = registry.now();
      if (batch.size() >= MAX_BATCH || (!flushScheduled && now - lastFlush >= COALESCE_NANOS)) {
        flush();
      } else if (!flushScheduled) {
        flushScheduled = true;
        registry.schedule(this::flushLater, COALESCE_NANOS);
      }
    }
    requestOutputIfReady();
  }

  private synchronized void flushLater() {
    flushScheduled = false;
    flush();
  }

  /** Sends the batched shell output. */
  private void flush() {
    if (batch.size() == 0) {
      return;
    }
    if (socket != null) {
      byte[] bytes = batch.toByteArray();
      socket.send(TerminalProtocol.output(bytes, 0, bytes.length));
    }
    batch.reset();
    lastFlush = registry.now();
  }

  @Override
  public synchronized void ended(Message reason) {
    if (state != State.SHELL) {
      return;
    }
    link = null;
    files.ended();
    state = State.ENDED;
    loginSince = registry.now();
    registry.releaseShell(this);
    LOG.info("terminal session {}: {}", shortToken(), reason);
    emit("\r\n" + Message.of(Phrase.ENDED_PRESS_ENTER, reason).in(language) + "\r\n");
  }

  /** Reads the next output chunk when a page is attached and keeping up (flow control). */
  private void requestOutputIfReady() {
    if (state == State.SHELL && socket != null && !outputRequested && unacked < TerminalProtocol.WINDOW) {
      outputRequested = true;
      link.requestOutput();
    }
  }

  // ---- files

  /** The files part of this session (the Files panel's SFTP channel of the current login). */
  SessionFiles files() {
    return files;
  }

  // ---- time

  /** Called every second by the sweeper: grace period, idle timeout, socket liveness. */
  void sweep(long now) {
    TerminalSocket live;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      WebTerminalSettings settings = registry.settings();
      if (socket == null && now - detachedAt > settings.gracePeriod().toNanos()) {
        close("no page came back within " + settings.gracePeriod().toSeconds() + " s", null);
        return;
      }
      if (state != State.SHELL && now - loginSince > settings.loginTimeout().toNanos()) {
        close("no login within " + settings.loginTimeout().toSeconds() + " s",
            Message.of(Phrase.LOGIN_TIMEOUT, span(settings.loginTimeout())));
        return;
      }
      if (now - lastInput > settings.idleTimeout().toNanos()) {
        Message span = span(settings.idleTimeout());
        close("idle for " + span, Message.of(Phrase.IDLE_LOGOUT, span));
        return;
      }
      live = socket;
    }
    if (live != null) {
      live.checkLiveness(now);
    }
  }

  private static Message span(Duration d) {
    return d.toSeconds() % 60 == 0 ? Message.of(Phrase.MINUTES, d.toMinutes()) : Message.of(Phrase.SECONDS, d.toSeconds());
  }

  /**
   * Ends the session for good: the shell closes, the page is told and forgets its token.
   *
   * @param why for the log
   * @param message for the page, or null for a plain "session closed"
   */
  void close(String why, Message message) {
    ShellLink shell;
    TerminalSocket page;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      shell = link;
      link = null;
      files.ended();
      page = socket;
      socket = null;
      editor.reset();
      notifyAll(); // a waiting prompt gives up
    }
    LOG.info("terminal session {} closed: {}", shortToken(), why);
    registry.remove(this);
    if (shell != null) {
      shell.close();
    }
    if (page != null) {
      page.close(TerminalProtocol.CLOSE_ENDED, message == null ? Message.of(Phrase.SESSION_CLOSED) : message);
    }
  }

  // ---- output

  /** Says one of the terminal's own phrases, in the page's language. */
  private void say(Phrase phrase) {
    emit(Message.of(phrase).in(language));
  }

  /** Says a message of the terminal's own on a line of its own. */
  private void sayLine(Message message) {
    emit(message.in(language) + "\r\n");
  }

  private void emit(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    emit(bytes, 0, bytes.length);
  }

  private void emit(byte[] bytes) {
    emit(bytes, 0, bytes.length);
  }

  private void emit(byte[] bytes, int offset, int length) {
    flush(); // shell output batched before this text goes first
    replay.append(bytes, offset, length);
    if (socket != null) {
      socket.send(TerminalProtocol.output(bytes, offset, length));
      unacked += length;
    }
  }

  /**
   * Text from the SSH server (banner, prompts) made safe to draw: no escape sequences or other
   * control characters that could rewrite the screen, line ends as CR LF.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        out.append("\r\n");
      } else if (c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private String shortToken() {
    return token.substring(0, 6);
  }
}
