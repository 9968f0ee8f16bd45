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
 * The process's log set-up, done in code (no logging.properties to lose): one line a record to
 * stdout (not stderr, which journald marks as errors) and to a size-capped, rotating file in the
 * home's {@code log/} folder. Only the CLI calls this; services just log through SLF4J.
 */
public final class Logging {
  /** Per file; three generations kept, so a component's logs never exceed 3 MiB. */
  static final int FILE_LIMIT = 1024 * 1024;
  static final int FILE_COUNT = 3;

  private Logging() {}

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
    Handler out = new StreamHandler(System.out, format) {
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
    if (logDir != null) {
      try {
        Files.createDirectories(logDir);
        Handler file = new RotatingFileHandler(logDir.resolve(fileName), FILE_LIMIT, FILE_COUNT);
        file.setFormatter(format);
        file.setLevel(level);
        root.addHandler(file);
      } catch (IOException | RuntimeException e) {
        root.warning("cannot write logs to " + logDir + ": " + e.getMessage() + "; logging to stdout only");
      }
    }
  }

  /** {@code 2026-11-25 18:58:21.123 INFO  agent: message}. */
  static final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord r) {
      StringBuilder b = new StringBuilder(128)
          .append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ')
          .append(String.format("%-5s", levelName(r.getLevel()))).append(' ')
          .append(shortName(r.getLoggerName())).append(": ")
          .append(formatMessage(r)).append('\n');
      if (r.getThrown() != null) {
        StringWriter w = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(w));
        b.append(w);
      }
      return b.toString();
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
}
