package cloud.luoyun.osmanager.config.seed;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.util.List;

/** What the three kinds of volume share: the caller's paths checked, positional reads. */
final class SeedIo {
  private SeedIo() {}

  /**
   * Splits a caller's relative path into its parts, refusing what could leave the volume. A
   * trailing {@code /} is allowed ({@code openstack/}); {@code ""} is the top folder.
   */
  static List<String> parts(String relativePath) {
    if (relativePath.isEmpty()) {
      return List.of();
    }
    String path = relativePath.endsWith("/")
        ? relativePath.substring(0, relativePath.length() - 1) : relativePath;
    if (path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a relative path with '/': \"" + relativePath + "\"");
    }
    List<String> parts = List.of(path.split("/", -1));
    if (parts.size() > SeedVolume.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "\"" + relativePath + "\" is deeper than " + SeedVolume.MAX_DEPTH + " folders");
    }
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException(
            "not a plain relative path (empty part, . or ..): \"" + relativePath + "\"");
      }
    }
    return parts;
  }

  /** How messages name a folder given by a caller's path: {@code ""} is the top folder. */
  static String where(String relativePath) {
    return relativePath.isEmpty() ? "top folder" : relativePath;
  }

  /** Reads up to {@code into.length} bytes at {@code position}; returns how many there were. */
  static int readAt(FileChannel channel, long position, byte[] into) throws IOException {
    return readAt(channel, position, into, into.length);
  }

  /** Reads up to {@code length} bytes at {@code position}; returns how many there were. */
  static int readAt(FileChannel channel, long position, byte[] into, int length)
      throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(into, 0, length);
    while (buf.hasRemaining()) {
      if (channel.read(buf, position + buf.position()) < 0) {
        break;
      }
    }
    return buf.position();
  }

  /** A fixed-width text field without its padding (spaces, NULs). */
  static String trimmed(byte[] bytes, int from, int length, Charset charset) {
    return new String(bytes, from, length, charset).replace('\0', ' ').trim();
  }

  static void closeQuietly(Closeable c, Throwable first) {
    try {
      c.close();
    } catch (IOException e) {
      first.addSuppressed(e);
    }
  }
}
