package cloud.luoyun.osmanager;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what one class logs through SLF4J (JDK logging underneath), formatted, from the moment
 * it is made until it is closed. Thread-safe.
 */
public final class LogCapture extends Handler implements AutoCloseable {
  private record Line(Level level, String text) {}

  private final Logger logger;
  private final List<Line> lines = new ArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  public static LogCapture of(Class<?> type) {
    LogCapture capture = new LogCapture(Logger.getLogger(type.getName()));
    capture.logger.addHandler(capture);
    return capture;
  }

  @Override
  public synchronized void publish(LogRecord record) {
    String text = record.getMessage();
    Object[] params = record.getParameters();
    if (params != null) {
      for (Object p : params) {
        text = text.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(String.valueOf(p)));
      }
    }
    lines.add(new Line(record.getLevel(), text));
  }

  /** Every message, in order. */
  public synchronized List<String> messages() {
    return lines.stream().map(Line::text).toList();
  }

  /** The messages logged at WARNING or above. */
  public synchronized List<String> warnings() {
    return lines.stream().filter(l -> l.level().intValue() >= Level.WARNING.intValue()).map(Line::text).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
