package cloud.luoyun.osmanager.webssh;

import java.net.InetAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's line per finished, failed or cancelled transfer: who, from where, which way, which
 * path, how many bytes, how long. Never contents. The path is the user's (hostile): drawn
 * printable, so that it cannot forge a log line.
 */
final class FilesAudit {
  private static final Logger LOG = LoggerFactory.getLogger(FilesAudit.class);

  private FilesAudit() {}

  static void log(String user, InetAddress client, String direction, String path, long bytes, long nanos,
      String outcome) {
    LOG.info("file {} {}: user {} from {}, {}, {} bytes in {} s", direction, oneLine(outcome), user,
        client.getHostAddress(), oneLine(path), bytes, String.format(Locale.ROOT, "%.1f", nanos / 1e9));
  }

  private static String oneLine(String text) {
    return ShellStream.printable(String.valueOf(text)).replace("\r\n", " ");
  }
}
