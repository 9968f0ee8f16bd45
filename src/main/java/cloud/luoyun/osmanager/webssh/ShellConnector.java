package cloud.luoyun.osmanager.webssh;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens login shells on the SSH server. Its one implementation, {@link MinaShellConnector}, is
 * the only class that touches Apache MINA SSHD, and it is created when the first login starts:
 * a web terminal that nobody uses never loads the SSH library. This interface and the ones
 * nested in it use no MINA type, so that loading the rest of the package loads none either.
 */
interface ShellConnector extends AutoCloseable {

  /**
   * Connects as {@code user}, authenticates through {@code prompter} (the server decides which
   * prompts), and opens a shell with a PTY of the given size. The future fails with a
   * {@link LoginException} whose {@link LoginException#text() text} is fit to show in the terminal.
   *
   * @param lang the shell's {@code LANG}, sent as an SSH "env" request before the shell starts
   *     (as OpenSSH's {@code SendEnv LANG}; the sshd takes it only with {@code AcceptEnv LANG}), or
   *     null to send none; already chosen from a whitelist ({@link ShellLocale})
   */
  CompletableFuture<ShellLink> open(String user, Prompter prompter, int cols, int rows, String lang,
      ShellListener listener);

  @Override
  void close();

  /** The terminal side of the login: shows what the server says, asks what it asks. */
  interface Prompter {
    /** Text from the server (banner, instruction) or the client (refusal). */
    void show(String text);

    /** Shows {@code prompt} (the server's) and starts reading a line, echoed or not. */
    void ask(String prompt, boolean echo);

    /** Shows a prompt of the terminal's own, in the page's language, and starts reading a line. */
    void ask(Message prompt, boolean echo);

    /**
     * The line typed for the last {@link #ask}, or null if none yet after the timeout.
     *
     * @throws java.util.concurrent.CancellationException if the user gave up (Ctrl-C) or the
     *     terminal session closed
     */
    String awaitAnswer(long timeout, TimeUnit unit) throws InterruptedException;

    /** A password attempt was refused; false when no more attempts are allowed for this client. */
    boolean attemptFailed();
  }

  /** Output and the end of an open shell. Called on SSH threads. */
  interface ShellListener {
    /**
     * The next chunk of output. {@code bytes} is the link's read buffer: valid only during the
     * call, so copy what you keep (the next read reuses it once this returns).
     */
    void output(byte[] bytes, int offset, int length);

    /** The shell ended (exit, or the connection closed); called once. */
    void ended(Message reason);
  }

  /** An open shell. Thread-safe. */
  interface ShellLink {
    /**
     * Asks for the next chunk of output, delivered once to {@link ShellListener#output}. Until
     * asked again no more is read, so the SSH window closes and the shell waits: flow control.
     */
    void requestOutput();

    /** Writes input to the shell; {@code done} runs once it is written or failed. One at a time. */
    void write(byte[] bytes, Runnable done);

    void resize(int cols, int rows);

    /**
     * Opens an SFTP channel on this shell's SSH login (the Files panel): the same user, one more
     * channel on the same connection. Blocks until the server has answered. Loads the SFTP
     * library the first time.
     *
     * @throws java.io.IOException a {@link RemoteFiles.FileException} saying why not
     */
    default RemoteFiles openFiles() throws java.io.IOException {
      throw new RemoteFiles.FileException(RemoteFiles.Problem.OTHER, "this shell has no file channel", null);
    }

    void close();
  }

  /** A login that did not give a shell; its text is shown in the terminal, its message logged. */
  final class LoginException extends Exception {
    private final transient Message text;
    private final boolean authFailure;

    LoginException(Message text, boolean authFailure, Throwable cause) {
      super(text.toString(), cause);
      this.text = text;
      this.authFailure = authFailure;
    }

    /** What to show in the terminal, in the page's language. */
    Message text() {
      return text;
    }

    /** True when the server refused the credentials (as opposed to a connection problem). */
    boolean isAuthFailure() {
      return authFailure;
    }
  }
}
