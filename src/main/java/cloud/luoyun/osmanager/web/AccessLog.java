package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page server's access log, {@code log/web.log}, one line per request:
 * <pre>
 * 2026-11-25T19:00:00.123Z 10.0.0.9 "GET /index.html?**** HTTP/1.1" 200 1532 owner "Mozilla/5.0 ..."
 * </pre>
 * The query string is never written (it carries the owner's cookie): a request with one shows
 * {@code ?****}. Everything that came from the client is cut short and escaped to printable ASCII,
 * so a request cannot forge log lines. When the file passes {@code maxBytes} it is renamed to
 * {@code web.log.1} (the previous {@code .1} becomes {@code .2}, older ones are dropped).
 *
 * <p>Thread-safe: lines are appended under a lock, one write each. A write error is reported once
 * and then the log goes quiet; serving pages matters more than logging them.
 */
final class AccessLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  static final long DEFAULT_MAX_BYTES = 1024 * 1024;
  static final int KEPT_OLD_FILES = 2;
  private static final int MAX_FIELD_CHARS = 512;

  private final Path file;
  private final long maxBytes;
  private FileChannel channel;
  private long size;
  private boolean failed;

  private AccessLog(Path file, long maxBytes) {
    this.file = file;
    this.maxBytes = maxBytes;
  }

  /** A log that writes nothing, for a page server without a log folder. */
  static AccessLog disabled() {
    AccessLog log = new AccessLog(null, 0);
    log.failed = true;
    return log;
  }

  static AccessLog open(Path file, long maxBytes) throws IOException {
    AccessLog log = new AccessLog(file, maxBytes);
    Files.createDirectories(file.getParent());
    log.reopen();
    return log;
  }

  void log(Instant time, String remote, String method, String pathAndQuery, String protocol,
      int status, long bytes, String view, String userAgent) {
    StringBuilder line = new StringBuilder(160)
        .append(time).append(' ')
        .append(clean(remote)).append(" \"")
        .append(clean(method)).append(' ')
        .append(clean(redactQuery(pathAndQuery))).append(' ')
        .append(clean(protocol)).append("\" ")
        .append(status).append(' ')
        .append(bytes).append(' ')
        .append(view).append(" \"")
        .append(clean(userAgent == null ? "-" : userAgent)).append("\"\n");
    write(line.toString().getBytes(StandardCharsets.US_ASCII));
  }

  static String redactQuery(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q) + "?****";
  }

  /** Printable ASCII except '"' and '\', others as \xNN (UTF-16 units above 0xFF as \\uNNNN). */
  static String clean(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_FIELD_CHARS) + 8);
    for (int i = 0; i < s.length(); i++) {
      if (sb.length() >= MAX_FIELD_CHARS) {
        sb.append("...");
        break;
      }
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        sb.append(c);
      } else if (c <= 0xff) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }

  private synchronized void write(byte[] line) {
    if (failed) {
      return;
    }
    try {
      if (size + line.length > maxBytes && size > 0) {
        rotate();
      }
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        size += channel.write(b);
      }
    } catch (IOException e) {
      failed = true;
      LOG.warn("access log {} stopped: {}", file, e.toString());
    }
  }

  private void rotate() throws IOException {
    channel.close();
    for (int n = KEPT_OLD_FILES; n >= 1; n--) {
      Path from = n == 1 ? file : sibling(n - 1);
      if (Files.exists(from)) {
        Files.move(from, sibling(n), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    reopen();
  }

  private Path sibling(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  private void reopen() throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    size = channel.size();
  }

  @Override
  public synchronized void close() {
    failed = true;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing access log", e);
      }
    }
  }
}
