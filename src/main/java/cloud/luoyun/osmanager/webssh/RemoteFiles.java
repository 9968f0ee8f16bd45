package cloud.luoyun.osmanager.webssh;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.InputStream;
import java.util.List;

/**
 * The logged-in user's files, as the SSH server's SFTP subsystem shows them on the terminal's own
 * SSH login: everything runs as that user, and the server decides what may be read and written.
 * Paths are the server's (absolute, as {@link #home()} and {@link #list} give them), never shell
 * words. Uses no MINA type, so that loading the rest of the package loads none; its one
 * implementation, {@code MinaRemoteFiles}, is loaded when the Files panel is first used.
 *
 * <p>Thread-safety: safe for use by one transfer and one listing at a time from different
 * threads (SFTP requests are independent on the channel). Every method may block on the network.
 */
interface RemoteFiles extends Closeable {

  /** What a folder entry is; a symbolic link is shown as one, not followed. */
  enum Kind { FOLDER, FILE, LINK, OTHER }

  /**
   * One entry of a folder: its name (not a path), kind, size in bytes and modification time
   * (epoch s); for a link, the kind of what it points at ({@link Kind#OTHER} when that is
   * missing or unreadable), else the same as {@code kind}.
   */
  record Entry(String name, Kind kind, long size, long modified, Kind target) {}

  /** The user's home folder (where the SFTP session starts), absolute. */
  String home() throws IOException;

  /** The entries of a folder (without {@code .} and {@code ..}), in the server's order. */
  List<Entry> list(String folder) throws IOException;

  /** The entry at {@code path} with links followed, or null when nothing is there. */
  Entry stat(String path) throws IOException;

  /** Creates a new file, failing if something is there, for writing from offset 0 on. */
  Upload create(String path) throws IOException;

  /**
   * Moves {@code from} to {@code to}: replacing what is there ({@code posix-rename@openssh.com})
   * when {@code replace}, else failing when {@code to} exists (plain SFTP rename).
   */
  void rename(String from, String to, boolean replace) throws IOException;

  void remove(String path) throws IOException;

  /** Reads a file from its start; the stream reads ahead a bounded amount. */
  InputStream read(String path) throws IOException;

  /** Ends the SFTP channel (not the SSH login). */
  @Override
  void close();

  /**
   * A file being written, its write requests pipelined: {@link #write} returns once they are
   * sent (and, when too many are outstanding, the oldest answered), so the disk and the network
   * work at once. Not thread-safe: one writer.
   */
  interface Upload extends Closeable {
    /**
     * Passes the remaining bytes of {@code bytes} on to be written at {@code offset}: whole pieces
     * are sent at once, the rest when more bytes come or at {@link #flush}. They are copied before
     * it returns, so the caller may reuse the buffer.
     *
     * @return the bytes the server has confirmed written so far (from the file's start)
     */
    long write(long offset, ByteBuffer bytes) throws IOException;

    /** Waits until the server has answered every write; returns the bytes confirmed written. */
    long flush() throws IOException;
  }

  /**
   * Why a file operation failed, classified once for the sentence the panel shows.
   * {@code NO_MORE_SESSIONS}: the SSH server refused the SFTP channel itself, as OpenSSH does when
   * the login has {@code MaxSessions} channels open already (the shell counts).
   */
  enum Problem { PERMISSION, NOT_FOUND, EXISTS, NO_SPACE, CONNECTION, NO_MORE_SESSIONS, OTHER }

  /** A failed file operation; {@link #problem()} says which sentence fits, the message what the server said. */
  final class FileException extends IOException {
    private final Problem problem;

    FileException(Problem problem, String message, Throwable cause) {
      super(message, cause);
      this.problem = problem;
    }

    Problem problem() {
      return problem;
    }
  }
}
