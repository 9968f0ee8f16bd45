package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.webssh.TerminalProtocol.Ack;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.Hello;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.Inbound;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.Input;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.ProtocolException;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.Resize;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket from a terminal page. Reads with explicit demand: the next message is read only
 * after the previous one is consumed (input written to the shell), so a paste into a shell that
 * does not read holds back the page instead of filling memory. Liveness: the sweeper pings, and a
 * socket that has not been heard from for three ping intervals is dropped (the session then waits
 * for its page to come back). A socket counts against its client address's sockets without a
 * shell from the moment it opens ({@link SessionRegistry#admit}); one that says no HELLO within
 * {@link #HELLO_TIMEOUT_NANOS} is closed.
 *
 * <p>A session token is a bearer secret bound to the address that opened the session: a HELLO
 * with the token of a session opened from another client address gets a session of its own and
 * a fresh login, never that session's shell or screen.
 *
 * <p>Public only because Jetty calls a listener through method handles, which needs a public
 * class; its constructor and everything else stay package-private.
 */
public final class TerminalSocket implements Session.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalSocket.class);
  /** A page says HELLO as soon as its socket opens; a socket that says nothing is closed after this. */
  static final long HELLO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final SessionRegistry registry;
  private final InetAddress client;
  // from the upgrade request: what the page's browser reads (set before the first message)
  private volatile String acceptLanguage;
  private volatile TerminalLanguage language = TerminalLanguage.EN;
  private volatile Session ws;
  private volatile TerminalSession terminal;
  private volatile long lastHeard;
  private volatile long lastPing;
  private volatile boolean inputPending;
  private volatile boolean admitted; // false: refused at open, closing; what it sends is ignored
  private final long openedAt;

  TerminalSocket(SessionRegistry registry, InetAddress client) {
    this.registry = registry;
    this.client = client;
    this.openedAt = registry.now();
  }

  @Override
  public void onWebSocketOpen(Session session) {
    acceptLanguage = session.getUpgradeRequest().getHeader("Accept-Language");
    language = TerminalLanguage.of(acceptLanguage);
    ws = session;
    lastHeard = registry.now();
    lastPing = lastHeard;
    admitted = registry.admit(this);
    if (!admitted) {
      LOG.info("refused a terminal socket from {}: {} pages of that address wait for a login already",
          client.getHostAddress(), SessionRegistry.WAITING_PER_ADDRESS);
      close(TerminalProtocol.CLOSE_TRY_LATER, Message.of(Phrase.TOO_MANY_WAITING, SessionRegistry.WAITING_PER_ADDRESS));
    }
    session.demand(); // also after a close: its answer must be read for the close handshake to end
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    if (!admitted) {
      callback.succeed();
      ws.demand(); // on to the close handshake's answer
      return;
    }
    lastHeard = registry.now();
    Inbound message;
    try {
      message = TerminalProtocol.decode(payload);
    } catch (ProtocolException e) {
      callback.succeed();
      LOG.debug("closing a terminal socket from {}: {}", client.getHostAddress(), e.getMessage());
      ws.close(StatusCode.BAD_DATA, e.getMessage(), Callback.NOOP);
      return;
    }
    callback.succeed();
    TerminalSession t = terminal;
    if (message instanceof Hello hello) {
      if (t != null) {
        ws.close(StatusCode.POLICY_VIOLATION, "HELLO twice", Callback.NOOP);
        return;
      }
      hello(hello);
      ws.demand();
      return;
    }
    if (t == null) {
      ws.close(StatusCode.POLICY_VIOLATION, "HELLO first", Callback.NOOP);
      return;
    }
    if (message instanceof Input input) {
      inputPending = true;
      t.input(input.bytes(), () -> {
        inputPending = false;
        demand();
      });
      return;
    }
    if (message instanceof Resize resize) {
      t.resize(resize.cols(), resize.rows());
    } else if (message instanceof Ack ack) {
      t.ack(ack.count());
    }
    ws.demand();
  }

  private void hello(Hello hello) {
    TerminalSession existing = hello.token().isEmpty() ? null : registry.find(hello.token());
    Message before = hello.token().isEmpty() ? null : Message.of(Phrase.PREVIOUS_SESSION_ENDED);
    if (existing != null && existing.client().equals(client)) {
      terminal = existing;
      existing.attach(this, hello.cols(), hello.rows(), false, null);
      return;
    }
    if (existing != null) {
      LOG.warn("a terminal session token was presented from {}, not from the address that opened the session "
          + "({}): a fresh login", client.getHostAddress(), existing.client().getHostAddress());
      before = Message.of(Phrase.OTHER_ADDRESS);
    }
    TerminalSession created = registry.create(client);
    terminal = created;
    LOG.info("terminal session {} opened from {}", created.token().substring(0, 6), client.getHostAddress());
    created.attach(this, hello.cols(), hello.rows(), true, before);
  }

  private void demand() {
    Session s = ws;
    if (s != null && s.isOpen()) {
      s.demand();
    }
  }

  @Override
  public void onWebSocketText(String message) {
    ws.close(StatusCode.BAD_DATA, "binary messages only", Callback.NOOP);
  }

  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    lastHeard = registry.now();
    ws.sendPong(payload, Callback.NOOP);
    ws.demand();
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    lastHeard = registry.now();
    ws.demand();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    gone();
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("terminal socket from {}: {}", client.getHostAddress(), cause.toString());
    gone();
  }

  private void gone() {
    registry.forget(this);
    TerminalSession t = terminal;
    if (t != null) {
      t.detach(this);
    }
  }

  /** The address the socket came from (as the connection has it). */
  InetAddress client() {
    return client;
  }

  /** The session this socket's HELLO opened or attached to, or null before HELLO. */
  TerminalSession session() {
    return terminal;
  }

  /** Called by the sweeper: a socket that never said HELLO is closed. */
  void sweep(long now) {
    Session s = ws;
    if (terminal == null && s != null && s.isOpen() && now - openedAt > HELLO_TIMEOUT_NANOS) {
      LOG.debug("terminal socket from {} said no HELLO; closed", client.getHostAddress());
      s.close(StatusCode.POLICY_VIOLATION, "no HELLO", Callback.NOOP);
    }
  }

  /** Queues a message; never blocks. A failed send drops the socket. */
  void send(ByteBuffer message) {
    Session s = ws;
    if (s == null || !s.isOpen()) {
      return;
    }
    s.sendBinary(message, Callback.from(() -> { }, failure -> {
      LOG.debug("send to {} failed: {}", client.getHostAddress(), failure.toString());
      s.disconnect();
    }));
  }

  /** The language of the page's browser, for the terminal's own messages. */
  TerminalLanguage language() {
    return language;
  }

  /** The browser's Accept-Language as it came (hostile: only ever parsed strictly), or null. */
  String acceptLanguage() {
    return acceptLanguage;
  }

  /** Shows {@code message} on a line of its own in this page's language, then closes with {@code code}. */
  void close(int code, Message message) {
    Session s = ws;
    if (s == null || !s.isOpen()) {
      return;
    }
    byte[] bytes = ("\r\n" + message.in(language) + "\r\n").getBytes(StandardCharsets.UTF_8);
    s.sendBinary(TerminalProtocol.output(bytes, 0, bytes.length), Callback.NOOP);
    s.close(code, null, Callback.NOOP);
  }

  /** Pings the page, or drops a socket not heard from in three ping intervals. */
  void checkLiveness(long now) {
    Session s = ws;
    if (s == null || !s.isOpen()) {
      return;
    }
    long interval = registry.settings().pingInterval().toNanos();
    if (!inputPending && now - lastHeard > 3 * interval) {
      LOG.info("terminal socket from {} stopped answering pings; dropped", client.getHostAddress());
      s.disconnect();
      gone();
      return;
    }
    if (now - lastPing >= interval) {
      lastPing = now;
      s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }
  }
}
