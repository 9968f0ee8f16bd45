package cloud.luoyun.osmanager.webssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ShellConnector} that a test drives: each {@link #open} is a {@link Login} the test
 * takes ({@link #nextLogin}) and plays the SSH server's part in (its prompts, then a shell or a
 * refusal); a {@link Shell} then gives output and ends when the test says. No network, no sshd:
 * for unit tests of the session's own logic.
 */
final class FakeShellConnector implements ShellConnector {
  private final BlockingQueue<Login> logins = new LinkedBlockingQueue<>();
  volatile boolean closed;

  @Override
  public CompletableFuture<ShellLink> open(String user, Prompter prompter, int cols, int rows, String lang,
      ShellListener listener) {
    Login login = new Login(user, prompter, cols, rows, lang, listener);
    logins.add(login);
    return login.result;
  }

  /** The next login the session started; fails the test if none comes within 10 s. */
  Login nextLogin() throws InterruptedException {
    Login login = logins.poll(10, TimeUnit.SECONDS);
    if (login == null) {
      throw new AssertionError("no login was started");
    }
    return login;
  }

  /** Whether a login was started and not yet taken by {@link #nextLogin}. */
  boolean hasLogin() {
    return !logins.isEmpty();
  }

  @Override
  public void close() {
    closed = true;
  }

  /** One login as the server sees it: what was asked for, and its outcome when the test decides. */
  static final class Login {
    final String user;
    final Prompter prompter;
    final int cols;
    final int rows;
    final String lang;
    final ShellListener listener;
    final CompletableFuture<ShellLink> result = new CompletableFuture<>();

    Login(String user, Prompter prompter, int cols, int rows, String lang, ShellListener listener) {
      this.user = user;
      this.prompter = prompter;
      this.cols = cols;
      this.rows = rows;
      this.lang = lang;
      this.listener = listener;
    }

    /** The login succeeds: a shell opens, whose output goes to the session's listener. */
    Shell opens() {
      Shell shell = new Shell(listener);
      result.complete(shell);
      return shell;
    }

    /** The login is refused with this text ({@code authFailure}: the credentials were wrong). */
    void fails(Message text, boolean authFailure) {
      result.completeExceptionally(new LoginException(text, authFailure, null));
    }
  }

  /** An open shell: records what the session does to it, gives output when the test says. */
  static final class Shell implements ShellLink {
    private final ShellListener listener;
    private final List<String> writes = new ArrayList<>(); // guarded by this
    private int outputRequests; // guarded by this
    private final List<int[]> resizes = new ArrayList<>(); // guarded by this
    volatile boolean closed;
    volatile Channels files = () -> {
      throw new RemoteFiles.FileException(RemoteFiles.Problem.OTHER, "no file channel in this test", null);
    };

    /** What {@link #openFiles} does: a test's channel, or its failure. */
    interface Channels {
      RemoteFiles open() throws IOException;
    }

    /** A shell whose output and end go to {@code listener} (null: a test of its files only). */
    Shell(ShellListener listener) {
      this.listener = listener;
    }

    @Override
    public synchronized void requestOutput() {
      outputRequests++;
    }

    /** How many times the session asked for output so far. */
    synchronized int outputRequests() {
      return outputRequests;
    }

    @Override
    public void write(byte[] bytes, Runnable done) {
      synchronized (this) {
        writes.add(new String(bytes, StandardCharsets.UTF_8));
      }
      done.run();
    }

    synchronized List<String> writes() {
      return List.copyOf(writes);
    }

    @Override
    public synchronized void resize(int cols, int rows) {
      resizes.add(new int[] {cols, rows});
    }

    synchronized List<int[]> resizes() {
      return List.copyOf(resizes);
    }

    @Override
    public RemoteFiles openFiles() throws IOException {
      return files.open();
    }

    /** The shell prints {@code text}, as the next chunk the session asked for. */
    void prints(String text) {
      prints(text.getBytes(StandardCharsets.UTF_8));
    }

    void prints(byte[] bytes) {
      byte[] buffer = new byte[bytes.length + 8]; // a read buffer, as MINA's, with room around
      System.arraycopy(bytes, 0, buffer, 4, bytes.length);
      listener.output(buffer, 4, bytes.length);
      java.util.Arrays.fill(buffer, (byte) 'X'); // reused for the next read: a copy must have been kept
    }

    /** The shell ends (exit, or the connection closed). */
    void ends(Message reason) {
      listener.ended(reason);
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
