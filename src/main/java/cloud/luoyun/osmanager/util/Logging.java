package cloud.luoyun.osmanager.util;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The process's log set-up, done in code (no logging.properties to lose). One line a record,
 * a stack trace folded into its line, to stdout and to a size-capped, rotating file in the home's
 * {@code log/} folder, in one of two forms:
 * <ul>
 * <li>under systemd, when {@code JOURNAL_STREAM} names our stdout: the sd-daemon priority prefix
 *     and no time of our own (journald stamps each entry), {@code <4>agent.Agent: message}, so
 *     {@code journalctl -p warning} shows what went wrong; and no second copy in {@code log/}
 *     unless {@code OSMANAGER_LOG_FILES=yes};
 * <li>elsewhere: {@code 2026-11-25T18:58:21.123+08:00 WARN  agent.Agent: message}, ISO 8601 with
 *     the offset, the same in every file.
 * </ul>
 * Only the CLI calls this; services just log through SLF4J.
 */
public final class Logging {
  /** Per file; three generations kept, so a component's logs never exceed 3 MiB. */
  static final int FILE_LIMIT = 1024 * 1024;
  static final int FILE_COUNT = 3;
  /** A folded stack trace beyond this is cut: journald splits longer lines (LineMax, 48 KiB). */
  static final int MAX_LINE = 16 * 1024;
  private static final boolean JOURNAL = stdoutIsJournal(System.getenv("JOURNAL_STREAM"));

  private Logging() {}

  /** True when journald reads this process's stdout (systemd sets JOURNAL_STREAM=dev:inode). */
  public static boolean toJournal() {
    return JOURNAL;
  }

  /**
   * {@code text} as a line for stdout or stderr: with the priority prefix journald reads when it
   * is the reader, else as it is. For commands that print their own lines (configure's steps).
   */
  public static String line(Level level, String text) {
    return JOURNAL ? "<" + priority(level) + ">" + text : text;
  }

  static boolean stdoutIsJournal(String journalStream) {
    if (journalStream == null || !journalStream.matches("\\d+:\\d+")) {
      return false;
    }
    try {
      Path stdout = Path.of("/proc/self/fd/1");
      long dev = ((Number) Files.getAttribute(stdout, "unix:dev")).longValue();
      long ino = ((Number) Files.getAttribute(stdout, "unix:ino")).longValue();
      return journalStream.equals(Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino));
    } catch (IOException | RuntimeException e) {
      return false; // no /proc, or stdout closed: not the journal
    }
  }

  /** The syslog priority journald files a record under: 3 error, 4 warning, 6 info, 7 debug. */
  static int priority(Level l) {
    if (l.intValue() >= Level.SEVERE.intValue()) {
      return 3;
    }
    if (l.intValue() >= Level.WARNING.intValue()) {
      return 4;
    }
    return l.intValue() >= Level.INFO.intValue() ? 6 : 7;
  }

  /**
   * @param logDir folder for the rotating file, or null for stdout only
   * @param fileName e.g. {@code osm.log}
   */
  public static void configure(Path logDir, String fileName, boolean verbose) {
    configure(logDir, fileName, verbose, true);
  }

  /**
   * @param toStdout false when the caller prints its own lines to stdout (the demo) and log
   *     records would only repeat them
   */
  public static void configure(Path logDir, String fileName, boolean verbose, boolean toStdout) {
    Level level = verbose ? Level.FINE : Level.INFO;
    // Libraries are quiet unless something is wrong. Levels go in as configuration, not as
    // setLevel on a Logger: LogManager holds loggers weakly, so a level set on one that no class
    // holds yet (sshd's load on the first terminal session) is lost at the next GC.
    String libraries = verbose ? "INFO" : "WARNING";
    String config = ".level=" + level.getName() + "\n"
        + "org.eclipse.jetty.level=" + libraries + "\n"
        + "org.apache.sshd.level=" + libraries + "\n";
    try {
      LogManager.getLogManager().readConfiguration(
          new ByteArrayInputStream(config.getBytes(StandardCharsets.ISO_8859_1))); // resets first
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory logging configuration", e);
    }
    // a library logger made before this call inherits from the nearest logger that exists: make
    // the configured ones exist, so such a logger is re-parented under its quieted library
    Logger.getLogger("org.eclipse.jetty");
    Logger.getLogger("org.apache.sshd");
    Logger root = Logger.getLogger("");
    Formatter format = new LineFormatter();
    Handler out = new StreamHandler(System.out, JOURNAL ? new JournalFormatter() : format) {
      @Override
      public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
      }
    };
    out.setLevel(level);
    if (toStdout) {
      root.addHandler(out);
    }
    boolean files = !JOURNAL || "yes".equals(System.getenv("OSMANAGER_LOG_FILES"));
    if (logDir != null && files) {
      try {
        Files.createDirectories(logDir);
        Handler file = new RotatingFileHandler(logDir.resolve(fileName), FILE_LIMIT, FILE_COUNT);
        file.setFormatter(format);
        file.setLevel(level);
        root.addHandler(file);
      } catch (IOException | RuntimeException e) {
        root.warning("cannot write logs to " + logDir + ": " + Errors.describe(e) + "; logging to stdout only");
      }
    }
  }

  /** {@code 2026-11-25T18:58:21.123+08:00 INFO  agent.Agent: message}: files, and stdout outside journald. */
  static final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord r) {
      return TIME.format(Instant.ofEpochMilli(r.getMillis())) + ' ' + String.format("%-5s", levelName(r.getLevel()))
          + ' ' + body(this, r) + '\n';
    }
  }

  /** {@code <4>agent.Agent: message}: stdout read by journald, which adds the time itself. */
  static final class JournalFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      return "<" + priority(r.getLevel()) + ">" + body(this, r) + '\n';
    }
  }

  /** {@code agent.Agent: message | java.io.IOException: why | at ...}: one line, however long the trace. */
  static String body(Formatter f, LogRecord r) {
    StringBuilder b = new StringBuilder(128).append(shortName(r.getLoggerName())).append(": ")
        .append(oneLine(f.formatMessage(r)));
    if (r.getThrown() != null) {
      StringWriter w = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(w));
      w.toString().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> b.append(" | ").append(l));
    }
    if (b.length() > MAX_LINE) {
      b.setLength(MAX_LINE - 6);
      b.append(" [...]");
    }
    return b.toString();
  }

  /** A message's own line breaks (an exception's text, a program's output) would split its entry. */
  private static String oneLine(String message) {
    return message.indexOf('\n') < 0 && message.indexOf('\r') < 0 ? message
        : message.strip().replace("\r\n", "\n").replace('\r', '\n').replace("\n", " | ");
  }

  private static String levelName(Level l) {
    if (l.intValue() >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (l.intValue() >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (l.intValue() >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  /** {@code cloud.luoyun.osmanager.agent.Agent} → {@code agent.Agent}. */
  private static String shortName(String name) {
    if (name == null) {
      return "-";
    }
    String prefix = "cloud.luoyun.osmanager.";
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }
}
