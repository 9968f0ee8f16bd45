package cloud.luoyun.osmanager.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what one class logs through SLF4J (JDK logging underneath), formatted. */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<String> messages = new ArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  static LogCapture of(Class<?> type) {
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
    messages.add(text);
  }

  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
