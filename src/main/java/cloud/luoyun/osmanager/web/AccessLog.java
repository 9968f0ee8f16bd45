package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.util.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page server's access log, {@code log/web.log}, one line per request in the Combined Log
 * Format that log tools read (Apache's and nginx's default):
 * <pre>
 * 10.0.0.9 - owner [25/Nov/2026:19:00:00 +0800] "GET /index.html?cookie=**** HTTP/1.1" 200 1532 "-" "Mozilla/5.0 ..."
 * </pre>
 * The user field says {@code owner} for a request that carried the owner's cookie ({@code -} for
 * everyone else). No value of the query string is ever written, in the request nor in the
 * referrer (one of them is the owner's cookie): each shows as {@code name=****}. Everything that
 * came from the client is cut short and escaped to printable ASCII, so a request cannot forge log
 * lines. When the file passes {@code maxBytes} it is renamed to
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
  /** A query parameter's name shown as it is; any other is masked whole. */
  private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,32}");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private final Path file;
  private final long maxBytes;
  private FileChannel channel;
  private long size;
  private boolean failed;
  /** The last second's time field: formatting it took about half of the time spent on a line (JFR). */
  private volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, null, "");

  private record Stamp(long epochSecond, ZoneId zone, String text) {}

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

  /**
   * @param owner whether the request carried the owner's cookie
   * @param referer the Referer header, or null
   * @param userAgent the User-Agent header, or null
   */
  void log(Instant time, String remote, String method, String pathAndQuery, String protocol,
      int status, long bytes, boolean owner, String referer, String userAgent) {
    String line = line(stamp(time), remote, method, pathAndQuery, protocol, status, bytes, owner, referer,
        userAgent);
    write(line.getBytes(StandardCharsets.US_ASCII));
  }

  /** The time field for {@code time}, formatted once per second (and zone). */
  private String stamp(Instant time) {
    ZoneId zone = ZoneId.systemDefault();
    Stamp s = lastStamp;
    if (s.epochSecond() != time.getEpochSecond() || !zone.equals(s.zone())) {
      s = new Stamp(time.getEpochSecond(), zone, TIME.format(time.atZone(zone)));
      lastStamp = s;
    }
    return s.text();
  }

  /** One line of the log, its newline included. */
  static String line(ZonedDateTime time, String remote, String method, String pathAndQuery, String protocol,
      int status, long bytes, boolean owner, String referer, String userAgent) {
    return line(TIME.format(time), remote, method, pathAndQuery, protocol, status, bytes, owner, referer, userAgent);
  }

  private static String line(String time, String remote, String method, String pathAndQuery, String protocol,
      int status, long bytes, boolean owner, String referer, String userAgent) {
    return new StringBuilder(200)
        .append(clean(remote)).append(" - ").append(owner ? "owner" : "-")
        .append(" [").append(time).append("] \"")
        .append(clean(method)).append(' ')
        .append(clean(redactQuery(pathAndQuery))).append(' ')
        .append(clean(protocol)).append("\" ")
        .append(status).append(' ')
        .append(bytes > 0 ? Long.toString(bytes) : "-").append(" \"")
        .append(referer == null ? "-" : clean(redactQuery(referer))).append("\" \"")
        .append(userAgent == null ? "-" : clean(userAgent)).append("\"\n")
        .toString();
  }

  /**
   * {@code /p?cookie=****&lang=****}: every value masked, and every name that is not a plain word
   * (a bare {@code ?<cookie>} too); what follows a {@code #} is dropped.
   */
  static String redactQuery(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return pathAndQuery;
    }
    StringBuilder b = new StringBuilder(pathAndQuery.substring(0, q + 1));
    String query = pathAndQuery.substring(q + 1);
    int hash = query.indexOf('#');
    String[] parts = (hash < 0 ? query : query.substring(0, hash)).split("&", -1);
    for (int i = 0; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      String name = eq < 0 ? "" : parts[i].substring(0, eq);
      b.append(i == 0 ? "" : "&").append(PLAIN_NAME.matcher(name).matches() ? name + "=****" : "****");
    }
    return b.toString();
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
      LOG.error("access log {} stopped: {}", file, Errors.describe(e));
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
