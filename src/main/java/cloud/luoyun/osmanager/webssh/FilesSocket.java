package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.webssh.FilesProtocol.Answer;
import cloud.luoyun.osmanager.webssh.FilesProtocol.Cancel;
import cloud.luoyun.osmanager.webssh.FilesProtocol.Hello;
import cloud.luoyun.osmanager.webssh.FilesProtocol.ListDir;
import cloud.luoyun.osmanager.webssh.FilesProtocol.Request;
import cloud.luoyun.osmanager.webssh.FilesProtocol.TicketRequest;
import cloud.luoyun.osmanager.webssh.FilesProtocol.Upload;
import cloud.luoyun.osmanager.webssh.RemoteFiles.FileException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Optional;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One page's files socket ({@code /files}, format in {@link FilesProtocol}): the Files panel's
 * listings, uploads and download tickets for the terminal session whose token its HELLO names,
 * from the address that opened that session, while it has a shell. Everything goes through that
 * login's SFTP channel ({@link TerminalSession#files()}), so it runs as the logged-in user.
 *
 * <p>It follows the session's logins for as long as the session lasts: before a login, and
 * when the shell ends, the page is told that a login is needed ({@code login}); when one succeeds
 * it is sent {@code ready} with that login's home, without asking. An upload under way when the
 * login ends fails. The socket closes with the session.
 *
 * <p>One message at a time, in order: each is handled on the pool (SFTP calls block), and the
 * socket reads ahead at most {@link #READ_AHEAD} messages meanwhile, so an upload's bytes reach
 * the disk in order and the socket holds no more than those in memory (an upload's: pieces of
 * frames, in Jetty's pooled network buffers). An upload is written under a temporary name in the
 * target folder and renamed into place when complete; a cancel, a failure or a closed socket
 * removes the temporary file. One info line per finished, failed or cancelled transfer (never
 * contents).
 *
 * <p>Public only because Jetty calls a listener through method handles.
 */
public final class FilesSocket implements Session.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(FilesSocket.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SessionRegistry registry;
  private final DownloadTickets tickets;
  private final FilesMode mode;
  private final InetAddress client;
  private final Runnable loginChanged = this::followLogin;
  private volatile Session ws;
  private volatile TerminalLanguage language = TerminalLanguage.EN;
  /** Messages (an upload's: pieces of frames, each within a network buffer) read and not yet handled. */
  private static final int READ_AHEAD = 8;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private boolean handling; // guarded by waiting: a pool thread is at handleWaiting
  // guarded by this: touched by one message's handler at a time, and by the close
  private TerminalSession terminal; // the session HELLO named, followed from then on
  private RemoteFiles files; // the current login's channel, or null while there is none
  private String user;
  private boolean served; // a login's files were shown: its end is said as such
  private Transfer upload;
  private boolean closed;

  /** An upload in progress: where it goes, where it is written meanwhile, how far it is. */
  private static final class Transfer {
    final String path;
    final String temp;
    final long size;
    final boolean replace;
    final RemoteFiles.Upload out;
    final long started;
    long sent; // bytes the page sent and we passed on
    long written; // bytes the server has confirmed written

    Transfer(String path, String temp, long size, boolean replace, RemoteFiles.Upload out, long started) {
      this.path = path;
      this.temp = temp;
      this.size = size;
      this.replace = replace;
      this.out = out;
      this.started = started;
    }
  }

  FilesSocket(SessionRegistry registry, DownloadTickets tickets, FilesMode mode, InetAddress client) {
    this.registry = registry;
    this.tickets = tickets;
    this.mode = mode;
    this.client = client;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    ws = session;
    language = TerminalLanguage.of(session.getUpgradeRequest().getHeader("Accept-Language"));
    session.setMaxBinaryMessageSize(FilesProtocol.MAX_CHUNK);
    session.setMaxTextMessageSize(FilesProtocol.MAX_TEXT);
    session.demand();
  }

  @Override
  public void onWebSocketText(String text) {
    queue(() -> request(text));
  }

  /**
   * An upload's bytes as the frames bring them, never gathered into whole messages: each piece is
   * a slice of Jetty's pooled network buffer, copied once, into the SFTP request.
   */
  @Override
  public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
    queue(() -> {
      try {
        chunk(payload);
      } finally {
        callback.succeed(); // Jetty's buffer goes back to its pool
      }
    });
  }

  /**
   * Handles messages in the order they came, one at a time on the pool, and reads the next while
   * up to {@link #READ_AHEAD} wait: the TLS and WebSocket work of the next chunk runs beside the
   * SSH work of this one (two cores instead of one), and a slow disk still stops the reading.
   */
  private void queue(Runnable message) {
    boolean more;
    synchronized (waiting) {
      waiting.add(message);
      more = waiting.size() < READ_AHEAD;
      if (!handling) {
        handling = true;
        registry.executor().execute(this::handleWaiting);
      }
    }
    if (more) {
      demand();
    }
  }

  private void handleWaiting() {
    for (;;) {
      Runnable next;
      boolean wasFull;
      synchronized (waiting) {
        wasFull = waiting.size() == READ_AHEAD;
        next = waiting.poll();
        if (next == null) {
          handling = false;
          return;
        }
      }
      if (wasFull) {
        demand(); // the reader stopped at a full queue: one has left it
      }
      next.run();
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    callback.succeed();
    registry.executor().execute(() -> abandon("its page went"));
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("files socket from {}: {}", client.getHostAddress(), cause.toString());
    registry.executor().execute(() -> abandon("its page went"));
  }

  private void demand() {
    Session s = ws;
    if (s != null && s.isOpen()) {
      s.demand();
    }
  }

  private synchronized void request(String text) {
    if (closed) {
      return;
    }
    Request r;
    try {
      r = FilesProtocol.decode(text);
    } catch (TerminalProtocol.ProtocolException e) {
      LOG.debug("closing a files socket from {}: {}", client.getHostAddress(), e.getMessage());
      close(StatusCode.BAD_DATA, e.getMessage());
      return;
    }
    if (r instanceof Hello hello) {
      hello(hello);
      return;
    }
    if (terminal == null) {
      close(StatusCode.POLICY_VIOLATION, "hello first");
      return;
    }
    if (!terminal.files().isCurrent(files)) { // no login (yet, or any more): the page is told so apart
      if (r instanceof Cancel) {
        send(FilesProtocol.message("cancelled"));
      } else {
        error(r instanceof Upload ? "upload" : r instanceof TicketRequest ? "ticket" : "list", needLogin());
      }
      return;
    }
    if (r instanceof ListDir l) {
      list(l.path());
    } else if (r instanceof Upload u) {
      upload(u);
    } else if (r instanceof Cancel) {
      cancel();
    } else if (r instanceof TicketRequest t) {
      ticket(t.path());
    }
  }

  private void hello(Hello hello) {
    if (terminal != null) {
      close(StatusCode.POLICY_VIOLATION, "hello twice");
      return;
    }
    if (mode == FilesMode.OFF) {
      deny(Message.of(Phrase.FILES_OFF));
      return;
    }
    TerminalSession t = registry.find(hello.token());
    if (t == null || !t.client().equals(client)) {
      deny(Message.of(Phrase.FILES_NEED_LOGIN));
      return;
    }
    terminal = t;
    t.files().watch(loginChanged); // first: a login that starts from now on is not missed
    followLogin();
  }

  /**
   * Brings the page to the session's current login: {@code ready} with its home when one began
   * (the SFTP channel opens now), {@code login} when there is none (the one shown ended: an
   * upload under way fails), {@code denied} and the socket closes when the session closed. Runs
   * after HELLO and on the pool whenever the session's login changes; does nothing when the page
   * is up to date.
   */
  private synchronized void followLogin() {
    if (closed || terminal == null) {
      return;
    }
    SessionFiles part = terminal.files();
    if (files != null && part.isCurrent(files)) {
      return;
    }
    if (files != null) {
      loginEnded();
    }
    if (part.isClosed()) {
      deny(needLogin());
      return;
    }
    try {
      RemoteFiles f = part.open();
      String who = part.user();
      if (f == null || who == null) {
        send(FilesProtocol.message("login", "text", needLogin().in(language), "upload", mode.uploads(),
            "download", mode.downloads()));
        return;
      }
      files = f;
      user = who;
      served = true;
      send(FilesProtocol.message("ready", "home", f.home(), "user", who, "upload", mode.uploads(),
          "download", mode.downloads()));
    } catch (IOException e) {
      files = null;
      user = null;
      deny(sentence(e, ""));
    }
  }

  /** The login whose files were shown ended: an upload under way fails, its channel is forgotten. */
  private void loginEnded() {
    Transfer t = upload;
    if (t != null) {
      fail(t, Message.of(Phrase.FILE_CONNECTION), "the login ended");
    }
    files = null;
    user = null;
  }

  private Message needLogin() {
    return Message.of(served ? Phrase.FILES_LOGIN_ENDED : Phrase.FILES_NEED_LOGIN);
  }

  private void list(String path) {
    try {
      send(FilesProtocol.list(path, FileNames.parent(path), files.list(path)));
    } catch (IOException e) {
      error("list", sentence(e, path));
    }
  }

  private void upload(Upload u) {
    if (!mode.uploads()) {
      error("upload", Message.of(Phrase.UPLOADS_OFF));
      return;
    }
    if (upload != null) {
      close(StatusCode.POLICY_VIOLATION, "one upload at a time");
      return;
    }
    Optional<Phrase> refusal = FileNames.refusal(u.name());
    if (refusal.isPresent()) {
      error("upload", Message.of(refusal.get()));
      return;
    }
    String name = u.name();
    String path = FileNames.join(u.dir(), name);
    boolean replace = false;
    try {
      if (files.stat(path) != null) {
        switch (u.answer()) {
          case ASK -> {
            send(FilesProtocol.message("exists", "name", name));
            return;
          }
          case SKIP -> {
            send(FilesProtocol.message("skipped", "name", name));
            return;
          }
          case REPLACE -> replace = true;
          case KEEP -> {
            Optional<String> copy = FileNames.copyName(name, n -> exists(FileNames.join(u.dir(), n)));
            if (copy.isEmpty()) {
              error("upload", Message.of(Phrase.NO_FREE_NAME, name));
              return;
            }
            name = copy.get();
            path = FileNames.join(u.dir(), name);
          }
        }
      }
      String temp = FileNames.join(u.dir(), FileNames.temporary(name, HexFormat.of().formatHex(randomBytes())));
      RemoteFiles.Upload out = files.create(temp);
      upload = new Transfer(path, temp, u.size(), replace || u.answer() == Answer.REPLACE, out, registry.now());
      send(FilesProtocol.message("go", "name", name));
      if (u.size() == 0) {
        finish();
      }
    } catch (IOException e) {
      error("upload", sentence(e, path));
      if (upload == null) {
        audit("upload", path, 0, registry.now(), "failed: " + e.getMessage());
      }
    }
  }

  private boolean exists(String path) {
    try {
      return files.stat(path) != null;
    } catch (IOException e) {
      return true; // not free as far as we can tell
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return b;
  }

  private synchronized void chunk(ByteBuffer payload) {
    if (closed) {
      return;
    }
    Transfer t = upload;
    if (t == null) {
      return; // bytes of a cancelled or failed upload still under way: dropped
    }
    int length = payload.remaining();
    if (t.sent + length > t.size) {
      fail(t, Message.of(Phrase.UPLOAD_TOO_LONG), "more bytes than its size");
      return;
    }
    try {
      long confirmed = t.out.write(t.sent, payload);
      t.sent += length;
      if (t.sent == t.size) {
        confirmed = t.out.flush();
      }
      if (confirmed > t.written) {
        t.written = confirmed;
        send(FilesProtocol.message("written", "n", t.written));
      }
      if (t.written == t.size) {
        finish();
      }
    } catch (IOException e) {
      fail(t, sentence(e, t.path), e.getMessage());
    }
  }

  /** All bytes are written: close the file and rename it into place. */
  private void finish() {
    Transfer t = upload;
    try {
      t.out.close();
      files.rename(t.temp, t.path, t.replace);
      upload = null;
      audit("upload", t.path, t.written, t.started, "finished");
      send(FilesProtocol.message("done", "name", t.path.substring(t.path.lastIndexOf('/') + 1)));
    } catch (IOException e) {
      Message why = e instanceof FileException f && f.problem() == RemoteFiles.Problem.OTHER && !t.replace
          ? Message.of(Phrase.FILE_EXISTS, t.path) // a plain rename fails when the name was taken meanwhile
          : sentence(e, t.path);
      fail(t, why, e.getMessage());
    }
  }

  private void cancel() {
    Transfer t = upload;
    if (t != null) {
      upload = null;
      discard(t);
      audit("upload", t.path, t.written, t.started, "cancelled");
    }
    send(FilesProtocol.message("cancelled"));
  }

  private void fail(Transfer t, Message why, String logged) {
    upload = null;
    discard(t);
    audit("upload", t.path, t.written, t.started, "failed: " + logged);
    error("upload", why);
  }

  /** Closes and removes an upload's temporary file; the file under its final name is untouched. */
  private void discard(Transfer t) {
    try {
      t.out.flush(); // the answers to the writes under way: none left waiting on the channel
    } catch (IOException e) {
      LOG.debug("writes of {} under way: {}", t.temp, e.toString());
    }
    try {
      t.out.close();
    } catch (IOException e) {
      LOG.debug("closing {}: {}", t.temp, e.toString());
    }
    try {
      files.remove(t.temp);
    } catch (IOException e) {
      LOG.warn("could not remove the temporary file of a stopped upload, {}: {}", ShellStream.printable(t.temp),
          e.getMessage());
    }
  }

  private void ticket(String path) {
    if (!mode.downloads()) {
      error("ticket", Message.of(Phrase.DOWNLOADS_OFF));
      return;
    }
    try {
      RemoteFiles.Entry e = files.stat(path);
      if (e == null) {
        error("ticket", Message.of(Phrase.FILE_NOT_FOUND, path));
        return;
      }
      if (e.kind() == RemoteFiles.Kind.FOLDER) {
        error("ticket", Message.of(Phrase.FOLDER_NOT_DOWNLOADABLE, path));
        return;
      }
      if (e.kind() != RemoteFiles.Kind.FILE) {
        error("ticket", Message.of(Phrase.NOT_A_FILE, path));
        return;
      }
      TerminalSession session = terminal;
      RemoteFiles channel = files;
      String id = tickets.issue(() -> session.files().isCurrent(channel), channel, client, user, path);
      send(FilesProtocol.message("ticket", "url", DownloadHandler.PATH + "?t=" + id));
    } catch (IOException e) {
      error("ticket", sentence(e, path));
    }
  }

  /** The socket closed: an upload under way is cut off, its temporary file removed. */
  private synchronized void abandon(String why) {
    if (closed) {
      return;
    }
    closed = true;
    if (terminal != null) {
      terminal.files().unwatch(loginChanged);
    }
    Transfer t = upload;
    if (t != null) {
      upload = null;
      discard(t);
      audit("upload", t.path, t.written, t.started, "failed: " + why);
    }
  }

  /** The one sentence a failed file operation shows, in the page's language. */
  static Message sentence(IOException e, String path) {
    RemoteFiles.Problem p = e instanceof FileException f ? f.problem() : RemoteFiles.Problem.OTHER;
    return switch (p) {
      case PERMISSION -> Message.of(Phrase.FILE_PERMISSION, path);
      case NOT_FOUND -> Message.of(Phrase.FILE_NOT_FOUND, path);
      case EXISTS -> Message.of(Phrase.FILE_EXISTS, path);
      case NO_SPACE -> Message.of(Phrase.FILE_NO_SPACE, path);
      case CONNECTION -> Message.of(Phrase.FILE_CONNECTION);
      case NO_MORE_SESSIONS -> Message.of(Phrase.FILES_NO_MORE_SESSIONS);
      case OTHER -> Message.of(Phrase.FILE_FAILED, path, String.valueOf(e.getMessage()));
    };
  }

  private void audit(String direction, String path, long bytes, long started, String outcome) {
    FilesAudit.log(user, client, direction, path, bytes, registry.now() - started, outcome);
  }

  private void error(String op, Message text) {
    send(FilesProtocol.message("error", "op", op, "text", text.in(language)));
  }

  private void deny(Message text) {
    send(FilesProtocol.message("denied", "text", text.in(language)));
    close(StatusCode.NORMAL, null);
  }

  private void send(String text) {
    Session s = ws;
    if (s != null && s.isOpen()) {
      s.sendText(text, Callback.from(() -> { }, failure -> s.disconnect()));
    }
  }

  private void close(int code, String reason) {
    Session s = ws;
    if (s != null && s.isOpen()) {
      s.close(code, reason, Callback.NOOP);
    }
  }
}
