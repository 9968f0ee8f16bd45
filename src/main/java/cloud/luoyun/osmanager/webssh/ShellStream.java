package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.webssh.ShellConnector.ShellLink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The shell-stream part of a terminal session: everything the page's screen is sent, in order,
 * the shell's output and the terminal's own words (prompts, refusals, "press Enter") alike.
 *
 * <ul>
 * <li><b>Coalescing:</b> a burst of shell output (bulk output) goes as fewer, larger messages of
 *     up to {@value #MAX_BATCH} bytes, sent at most {@value #COALESCE_NANOS} ns after it came;
 *     output after a quiet moment (a keystroke's echo) goes at once.
 * <li><b>Flow control:</b> output is read from the shell one chunk at a time
 *     ({@link ShellLink#requestOutput}), and only while a page is attached and has acknowledged
 *     all but {@link TerminalProtocol#WINDOW} bytes: a slow or absent browser stops the shell,
 *     not the daemon's memory.
 * <li><b>Replay:</b> the last bytes sent are kept ({@link ReplayBuffer}) and sent again to a page
 *     that reattaches, so that it draws the same screen.
 * </ul>
 *
 * <p>It also holds what the attached page asks for: its language (for the terminal's words) and
 * its Accept-Language (for the shell's {@code LANG}).
 *
 * <p>Thread-safety: guarded by the session's lock, which {@link TerminalSession} and
 * {@link SessionLogin} share with it (a keystroke, a prompt and output touch several parts at
 * once). Methods are called with that lock held, except {@link #output} (SSH threads) and the
 * scheduled flush, which take it. Sends never block.
 */
final class ShellStream implements ShellConnector.ShellListener {
  static final long COALESCE_NANOS = 1_000_000; // 1 ms
  static final int MAX_BATCH = 32 * 1024;

  private final Object lock;
  private final ReplayBuffer replay;
  private final LongSupplier clock;
  private final SessionRegistry.Scheduler scheduler;
  private final Consumer<Message> ended;

  private Consumer<ByteBuffer> page; // the attached page's socket, or null while detached
  private TerminalLanguage language = TerminalLanguage.EN;
  private String acceptLanguage;
  private int cols = 80;
  private int rows = 24;
  private long unacked; // bytes sent (or batched) to the current page and not yet ACKed
  private final ByteArrayOutputStream batch = new ByteArrayOutputStream();
  private boolean flushScheduled;
  private long lastFlush;
  private ShellLink shell; // the logged-in shell, or null
  private boolean outputRequested;

  /**
   * @param lock the session's lock
   * @param replayBytes how much output a reattaching page is sent again
   * @param clock monotonic nanoseconds
   * @param ended told, under the lock, when the shell ended by itself (then the page is told
   *     why), with the reason
   */
  ShellStream(Object lock, int replayBytes, LongSupplier clock, SessionRegistry.Scheduler scheduler,
      Consumer<Message> ended) {
    this.lock = lock;
    this.replay = new ReplayBuffer(replayBytes);
    this.clock = clock;
    this.scheduler = scheduler;
    this.ended = ended;
  }

  // ---- the page

  /**
   * A page attached: what is sent goes to it from now on. Output batched for the page before it
   * is dropped (it is in the replay buffer, which a reattach sends), and the window starts empty.
   */
  void attach(Consumer<ByteBuffer> newPage, TerminalLanguage newLanguage, String newAcceptLanguage) {
    page = newPage;
    language = newLanguage;
    acceptLanguage = newAcceptLanguage;
    unacked = 0;
    batch.reset();
  }

  /** The page went: output is kept for the replay only, and the shell is not read meanwhile. */
  void detach() {
    page = null;
  }

  /** Sends the screen again (a reattached page), counted in the window. */
  void replay() {
    byte[] screen = replay.snapshot();
    send(TerminalProtocol.replay(screen));
    unacked += screen.length;
  }

  /** The page drew {@code count} more bytes: output may be read again when the window allows. */
  void ack(long count) {
    unacked = Math.max(0, unacked - count);
    requestOutputIfReady();
  }

  TerminalLanguage language() {
    return language;
  }

  /** The page's terminal size; false when it is that size already. */
  boolean resize(int newCols, int newRows) {
    if (newCols == cols && newRows == rows) {
      return false;
    }
    cols = newCols;
    rows = newRows;
    return true;
  }

  int cols() {
    return cols;
  }

  int rows() {
    return rows;
  }

  /** The attached page's Accept-Language as it came (hostile: only ever parsed strictly), or null. */
  String acceptLanguage() {
    return acceptLanguage;
  }

  // ---- the shell

  /**
   * A login gave a shell: its output is the page's from now on, read from the first
   * {@link #requestOutputIfReady} (when the login is done).
   */
  void shellOpened(ShellLink opened) {
    shell = opened;
    outputRequested = false;
  }

  /** The session closes: the shell's output is no longer read; returns the shell to close, or null. */
  ShellLink takeShell() {
    ShellLink taken = shell;
    shell = null;
    return taken;
  }

  /** The logged-in shell, or null. */
  ShellLink shell() {
    return shell;
  }

  /** The next chunk of the shell's output (SSH threads); copied before this returns. */
  @Override
  public void output(byte[] bytes, int offset, int length) {
    synchronized (lock) {
      outputRequested = false;
      if (shell == null) {
        return;
      }
      replay.append(bytes, offset, length);
      if (page != null) {
        batch.write(bytes, offset, length);
        unacked += length;
        long now = clock.getAsLong();
        if (batch.size() >= MAX_BATCH || (!flushScheduled && now - lastFlush >= COALESCE_NANOS)) {
          flush();
        } else if (!flushScheduled) {
          flushScheduled = true;
          scheduler.schedule(this::flushLater, COALESCE_NANOS);
        }
      }
      requestOutputIfReady();
    }
  }

  /** The shell ended by itself (SSH threads): the page is told why and how to log in again. */
  @Override
  public void ended(Message reason) {
    synchronized (lock) {
      if (shell == null) {
        return;
      }
      shell = null;
      ended.accept(reason); // first: its slot is free once the page reads this
      emit("\r\n" + Message.of(Phrase.ENDED_PRESS_ENTER, reason).in(language) + "\r\n");
    }
  }

  private void flushLater() {
    synchronized (lock) {
      flushScheduled = false;
      flush();
    }
  }

  /** Sends the batched shell output. */
  private void flush() {
    if (batch.size() == 0) {
      return;
    }
    byte[] bytes = batch.toByteArray();
    send(TerminalProtocol.output(bytes, 0, bytes.length));
    batch.reset();
    lastFlush = clock.getAsLong();
  }

  /**
   * Reads the next output chunk when a page is attached and keeping up (flow control). Called
   * once a page that attached has been sent what it must see first, and once a login is done.
   */
  void requestOutputIfReady() {
    if (shell != null && page != null && !outputRequested && unacked < TerminalProtocol.WINDOW) {
      outputRequested = true;
      shell.requestOutput();
    }
  }

  // ---- the terminal's own words

  /** Says one of the terminal's own phrases, in the page's language. */
  void say(Phrase phrase) {
    emit(Message.of(phrase).in(language));
  }

  /** Says a message of the terminal's own on a line of its own. */
  void sayLine(Message message) {
    emit(message.in(language) + "\r\n");
  }

  /** Text of the terminal's own, after the shell output batched before it. */
  void emit(String text) {
    emit(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Bytes of the terminal's own (the login's echo), after the shell output batched before them. */
  void emit(byte[] bytes) {
    flush();
    replay.append(bytes, 0, bytes.length);
    if (page != null) {
      send(TerminalProtocol.output(bytes, 0, bytes.length));
      unacked += bytes.length;
    }
  }

  private void send(ByteBuffer message) {
    if (page != null) {
      page.accept(message);
    }
  }

  /**
   * Text from the SSH server (banner, prompts) or a remote path made safe to draw or log: no
   * escape sequences or other control characters that could rewrite the screen, line ends as CR LF.
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
}
