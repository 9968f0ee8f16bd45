package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.webssh.ShellConnector.ShellLink;
import java.net.InetAddress;
import java.time.Duration;
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
 * <p>A session is composed of three parts, and this class only wires them to the page's socket,
 * the registry and the clock (attach, detach, sweeps, close):
 * <ul>
 * <li>{@link SessionLogin}: the {@code login:} prompt and the SSH server's prompts, until a shell
 *     opens (LOGIN, AUTHENTICATING);
 * <li>{@link ShellStream}: what the page is sent, the shell's output (coalesced, flow-controlled
 *     by the page's ACKs, replayed on reattach) and the terminal's own words;
 * <li>{@link SessionFiles}: the Files panel's SFTP channel on the login's SSH connection.
 * </ul>
 * The state above is theirs: SHELL while the stream has a shell, LOGIN and AUTHENTICATING the
 * login's phases, ENDED neither of them, CLOSED once closed.
 *
 * <p>Only a session with a shell holds one of the registry's {@code maxSessions} slots (taken when
 * the login succeeds, given back when the shell ends), and only such a session waits for its page
 * when the socket drops: one without a shell ends with its page, and ends anyway when no login
 * has succeeded within {@link WebTerminalSettings#loginTimeout()} of its login prompt.
 *
 * <p>Thread-safety: all state, the parts' too, is guarded by {@code this}. Called from Jetty
 * threads (input, socket events), SSH threads (output, prompts, shell end) and the sweeper. Never
 * blocks while holding the lock except for non-blocking sends; prompts wait outside it. Typed
 * input and answers to prompts are never logged.
 */
final class TerminalSession {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalSession.class);

  enum State { LOGIN, AUTHENTICATING, SHELL, ENDED, CLOSED }

  private final String token;
  private final InetAddress client;
  private final SessionRegistry registry;
  private final ShellStream stream;
  private final SessionLogin login;
  private final SessionFiles files; // the Files panel's part: the SFTP channel of the login

  private boolean closed;
  private TerminalSocket socket; // null while detached
  private long detachedAt;
  private long lastInput;
  private long loginSince; // when the login prompt appeared: the session's start, or Enter after a shell

  TerminalSession(String token, InetAddress client, SessionRegistry registry) {
    this.token = token;
    this.client = client;
    this.registry = registry;
    this.stream = new ShellStream(this, registry.settings().replayBytes(), registry::now, registry::schedule,
        this::shellEnded);
    this.login = new SessionLogin(this, shortToken(), client, registry, stream, this::shellOpened);
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
    if (closed) {
      return State.CLOSED;
    }
    if (stream.shell() != null) {
      return State.SHELL;
    }
    return switch (login.phase()) {
      case USER -> State.LOGIN;
      case AUTHENTICATING -> State.AUTHENTICATING;
      case OFF -> State.ENDED;
    };
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
      if (closed) {
        newSocket.close(TerminalProtocol.CLOSE_ENDED, Message.of(Phrase.SESSION_ENDED));
        return;
      }
      replaced = socket;
      socket = newSocket;
      stream.attach(newSocket::send, newSocket.language(), newSocket.acceptLanguage());
      lastInput = registry.now();
      newSocket.send(TerminalProtocol.session(token));
      if (fresh) {
        if (before != null) {
          stream.sayLine(before);
        }
        stream.resize(newCols, newRows);
        login.start();
        resizeLink = null;
      } else {
        stream.replay();
        resizeLink = stream.shell();
        stream.resize(newCols, newRows);
      }
      stream.requestOutputIfReady();
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
  void detach(TerminalSocket gone) {
    synchronized (this) {
      if (socket != gone) {
        return;
      }
      socket = null;
      stream.detach();
      detachedAt = registry.now();
      if (stream.shell() != null) {
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
      switch (state()) {
        case LOGIN, AUTHENTICATING -> login.input(bytes);
        case SHELL -> target = stream.shell();
        case ENDED -> {
          for (byte b : bytes) {
            if (b == '\r' || b == '\n') {
              loginSince = lastInput;
              login.start();
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
      if (!stream.resize(newCols, newRows)) {
        return;
      }
      target = stream.shell();
    }
    if (target != null) {
      target.resize(newCols, newRows);
    }
  }

  synchronized void ack(long count) {
    stream.ack(count);
  }

  /** The login gave a shell (under the lock): it takes a slot, and its output and files are the session's. */
  private boolean shellOpened(String user, ShellLink shell) {
    if (!registry.admitShell(this)) {
      return false;
    }
    files.loggedIn(shell, user);
    stream.shellOpened(shell);
    return true;
  }

  /** The shell ended by itself (under the lock; the page is told next): its slot and files go. */
  private void shellEnded(Message reason) {
    files.ended();
    loginSince = registry.now();
    registry.releaseShell(this);
    LOG.info("terminal session {}: {}", shortToken(), reason);
  }

  /** The files part of this session (the Files panel's SFTP channel of the current login). */
  SessionFiles files() {
    return files;
  }

  /** Called every second by the sweeper: grace period, idle timeout, socket liveness. */
  void sweep(long now) {
    TerminalSocket live;
    synchronized (this) {
      if (closed) {
        return;
      }
      WebTerminalSettings settings = registry.settings();
      if (socket == null && now - detachedAt > settings.gracePeriod().toNanos()) {
        close("no page came back within " + settings.gracePeriod().toSeconds() + " s", null);
        return;
      }
      if (stream.shell() == null && now - loginSince > settings.loginTimeout().toNanos()) {
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
      if (closed) {
        return;
      }
      closed = true;
      shell = stream.takeShell();
      files.close();
      page = socket;
      socket = null;
      stream.detach();
      login.stop(); // a waiting prompt gives up
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

  private String shortToken() {
    return token.substring(0, 6);
  }
}
