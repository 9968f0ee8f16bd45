package cloud.luoyun.osmanager.webssh;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CopyMode;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * {@link RemoteFiles} through MINA's SFTP client on the terminal's own {@link ClientSession}: one
 * more channel on the SSH connection the shell runs on (the sshd's {@code MaxSessions} counts it:
 * one per terminal session). The only class that names {@code sshd-sftp} types.
 */
final class MinaRemoteFiles implements RemoteFiles {
  private final SftpClient sftp;

  private MinaRemoteFiles(SftpClient sftp) {
    this.sftp = sftp;
  }

  /** Opens the SFTP subsystem on {@code session}; blocks until the server answered its version. */
  static RemoteFiles open(ClientSession session) throws IOException {
    try {
      return new MinaRemoteFiles(SftpClientFactory.instance().createSftpClient(session));
    } catch (IOException | RuntimeException e) {
      throw refusedChannel(e) ? new FileException(Problem.NO_MORE_SESSIONS, String.valueOf(e.getMessage()), e)
          : classified(e);
    }
  }

  /**
   * Whether the server refused to open the channel at all, on a login it keeps: what OpenSSH does
   * when the login has {@code MaxSessions} session channels already (it answers "open failed",
   * reason "connect failed", and logs "no more sessions"; other servers say "administratively
   * prohibited"). A server without SFTP opens the channel and refuses the subsystem instead.
   */
  private static boolean refusedChannel(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SshChannelOpenException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String home() throws IOException {
    try {
      return sftp.canonicalPath(".");
    } catch (IOException | RuntimeException e) {
      throw classified(e);
    }
  }

  @Override
  public List<Entry> list(String folder) throws IOException {
    try {
      List<Entry> entries = new ArrayList<>();
      for (DirEntry e : sftp.readDir(folder)) {
        String name = e.getFilename();
        if (!name.equals(".") && !name.equals("..")) {
          Entry entry = entry(name, e.getAttributes());
          entries.add(entry.kind() == Kind.LINK ? linked(entry, FileNames.join(folder, name)) : entry);
        }
      }
      return entries;
    } catch (IOException | RuntimeException e) {
      throw classified(e);
    }
  }

  @Override
  public Entry stat(String path) throws IOException {
    try {
      return entry(path.substring(path.lastIndexOf('/') + 1), sftp.stat(path));
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return null;
      }
      throw classified(e);
    } catch (IOException | RuntimeException e) {
      throw classified(e);
    }
  }

  private static Entry entry(String name, Attributes a) {
    Kind kind = kind(a);
    long modified = a.getModifyTime() == null ? 0 : a.getModifyTime().toMillis() / 1000;
    return new Entry(name, kind, a.getSize(), modified, kind);
  }

  private static Kind kind(Attributes a) {
    return a.isSymbolicLink() ? Kind.LINK : a.isDirectory() ? Kind.FOLDER : a.isRegularFile() ? Kind.FILE : Kind.OTHER;
  }

  /** A link's entry with the kind of what it points at (followed once, by the server). */
  private Entry linked(Entry link, String path) {
    try {
      return new Entry(link.name(), Kind.LINK, link.size(), link.modified(), kind(sftp.stat(path)));
    } catch (IOException | RuntimeException e) {
      return new Entry(link.name(), Kind.LINK, link.size(), link.modified(), Kind.OTHER); // dangling, or not ours
    }
  }

  @Override
  public Upload create(String path) throws IOException {
    SftpClient.CloseableHandle handle;
    try {
      // no permissions sent: the sftp-server creates it as the user's umask says (0666 & ~umask)
      handle = sftp.open(path, EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Exclusive));
    } catch (IOException | RuntimeException e) {
      throw classified(e);
    }
    return new PipelinedUpload(handle);
  }

  /**
   * Writes as {@code sftp} and OpenSSH's own client do: up to {@link #IN_FLIGHT_BYTES} in requests
   * outstanding, each answer checked in order. MINA's plain
   * {@code SftpClient.write} waits for each request's answer before the next, a round trip per
   * piece; its asynchronous stream does not say which bytes the server has written, which the
   * page's progress shows.
   *
   * <p>Bytes are gathered into one request buffer until a piece is full (the page's bytes come in
   * whatever pieces TLS and WebSocket framing made). That buffer serves every request, with room
   * in front for the SFTP header: MINA writes the header there instead of copying the piece into a
   * new buffer, and it has passed the bytes on to the SSH channel when {@code send} returns. In the
   * daemon's 2 MiB young generation each buffer less per piece is fewer collections, and fewer
   * pieces promoted to the old generation while still in use: full collections took a third of an
   * upload's time. For the same reason a request fits in one SSH packet of the channel (32 KiB
   * with OpenSSH, whose own sftp writes 32 KiB pieces too): MINA copies a longer one whole before
   * cutting it into packets.
   */
  private final class PipelinedUpload implements Upload {
    /** The most a piece holds when the channel's packets are large: well under OpenSSH's 256 KiB SFTP limit. */
    private static final int MAX_PIECE = 128 * 1024;
    /** Bytes unanswered: half of the window OpenSSH's sshd opens for a channel (2 MiB). */
    private static final int IN_FLIGHT_BYTES = 1024 * 1024;
    /** What MINA puts in front of a request: its length, type and id. */
    private static final int SFTP_HEADER = Integer.BYTES + 1 + Integer.BYTES;
    /** The room left for it in the request buffer. */
    private static final int HEADER = 16;
    private final int piece;
    private final int inFlight;
    private final SftpClient.CloseableHandle handle;
    private final RawSftpClient raw = (RawSftpClient) sftp;
    private final ArrayDeque<long[]> pending = new ArrayDeque<>(); // request id, bytes
    private final byte[] id;
    private final ByteArrayBuffer request;
    private final int dataStart; // where a piece's bytes start in the request buffer
    private long pieceOffset = -1; // the file offset of the piece being gathered; -1: none
    private long confirmed;

    PipelinedUpload(SftpClient.CloseableHandle handle) {
      this.handle = handle;
      this.id = handle.getIdentifier();
      this.dataStart = HEADER + Integer.BYTES + id.length + Long.BYTES + Integer.BYTES;
      long packet = sftp.getClientChannel().getRemoteWindow().getPacketSize();
      int fits = (int) Math.min(MAX_PIECE, packet - SFTP_HEADER - (dataStart - HEADER));
      this.piece = Math.max(4096, fits);
      this.inFlight = Math.max(2, IN_FLIGHT_BYTES / piece);
      this.request = new ByteArrayBuffer(new byte[dataStart + piece]);
    }

    @Override
    public long write(long offset, ByteBuffer bytes) throws IOException {
      try {
        if (pieceOffset >= 0 && offset != pieceOffset + gathered()) {
          sendPiece(); // not where the gathered bytes end: they go as they are
        }
        while (bytes.hasRemaining()) {
          if (pieceOffset < 0) {
            pieceOffset = offset;
            request.wpos(dataStart);
          }
          int n = Math.min(piece - gathered(), bytes.remaining());
          bytes.get(request.array(), request.wpos(), n);
          request.wpos(request.wpos() + n);
          offset += n;
          if (gathered() == piece) {
            sendPiece();
          }
        }
        return confirmed;
      } catch (IOException | RuntimeException e) {
        throw writeFailure(e);
      }
    }

    private int gathered() {
      return request.wpos() - dataStart;
    }

    /** Sends the gathered bytes as one SSH_FXP_WRITE, once fewer than {@link #inFlight} are unanswered. */
    private void sendPiece() throws IOException {
      int n = gathered();
      while (pending.size() >= inFlight) {
        awaitOldest();
      }
      int end = request.wpos();
      request.wpos(HEADER);
      request.putBytes(id);
      request.putLong(pieceOffset);
      request.putInt(n);
      request.rpos(HEADER);
      request.wpos(end);
      pending.add(new long[] {raw.send(SftpConstants.SSH_FXP_WRITE, request), n});
      pieceOffset = -1;
    }

    @Override
    public long flush() throws IOException {
      try {
        if (pieceOffset >= 0) {
          sendPiece();
        }
        while (!pending.isEmpty()) {
          awaitOldest();
        }
        return confirmed;
      } catch (IOException | RuntimeException e) {
        throw writeFailure(e);
      }
    }

    private void awaitOldest() throws IOException {
      long[] oldest = pending.poll();
      Buffer answer = raw.receive((int) oldest[0]);
      SftpStatus status = SftpStatus.parse(SftpResponse.parse(SftpConstants.SSH_FXP_WRITE, answer));
      if (!status.isOk()) {
        throw new SftpException(status.getStatusCode(), status.getMessage());
      }
      confirmed += oldest[1];
    }

    private FileException writeFailure(Throwable e) {
      // SFTP v3 (OpenSSH) has no "disk full" status: a write that fails is ENOSPC or EDQUOT in practice
      return e instanceof SftpException s && s.getStatus() == SftpConstants.SSH_FX_FAILURE
          ? new FileException(Problem.NO_SPACE, s.getMessage(), s) : classified(e);
    }

    @Override
    public void close() throws IOException {
      try {
        handle.close(); // the server answers the close after the writes before it
      } catch (IOException | RuntimeException e) {
        throw classified(e);
      }
    }
  }

  @Override
  public void rename(String from, String to, boolean replace) throws IOException {
    try {
      OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
      if (replace && posix.isSupported()) {
        posix.posixRename(from, to); // rename(2): the old file is there until the new one takes its place
      } else if (replace) {
        sftp.rename(from, to, CopyMode.Overwrite);
      } else {
        sftp.rename(from, to);
      }
    } catch (IOException | RuntimeException e) {
      throw classified(e);
    }
  }

  @Override
  public void remove(String path) throws IOException {
    try {
      sftp.remove(path);
    } catch (IOException | RuntimeException e) {
      throw classified(e);
    }
  }

  @Override
  public InputStream read(String path) throws IOException {
    try {
      return sftp.read(path);
    } catch (IOException | RuntimeException e) {
      throw classified(e);
    }
  }

  @Override
  public void close() {
    try {
      sftp.close();
    } catch (IOException | RuntimeException e) {
      // the channel goes with the SSH connection anyway
    }
  }

  /** The one place where MINA's and the server's errors become a {@link Problem}. */
  static FileException classified(Throwable e) {
    if (e instanceof FileException f) {
      return f;
    }
    if (e instanceof SftpException s) {
      Problem p = switch (s.getStatus()) {
        case SftpConstants.SSH_FX_PERMISSION_DENIED, SftpConstants.SSH_FX_WRITE_PROTECT -> Problem.PERMISSION;
        case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH -> Problem.NOT_FOUND;
        case SftpConstants.SSH_FX_FILE_ALREADY_EXISTS -> Problem.EXISTS;
        case SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM, SftpConstants.SSH_FX_QUOTA_EXCEEDED -> Problem.NO_SPACE;
        case SftpConstants.SSH_FX_NO_CONNECTION, SftpConstants.SSH_FX_CONNECTION_LOST -> Problem.CONNECTION;
        default -> Problem.OTHER;
      };
      return new FileException(p, s.getMessage(), s);
    }
    if (e instanceof SshException || e instanceof EOFException || e instanceof IllegalStateException
        || (e instanceof IOException && !(e instanceof SftpException))) {
      return new FileException(Problem.CONNECTION, String.valueOf(e.getMessage()), e);
    }
    return new FileException(Problem.OTHER, String.valueOf(e), e);
  }
}
