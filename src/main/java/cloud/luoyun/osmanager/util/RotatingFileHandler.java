package cloud.luoyun.osmanager.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Appends to {@code name} and, past {@code limit} bytes, shifts it to {@code name.1} (and
 * {@code name.1} to {@code name.2} ...), keeping {@code count} files in all. Unlike JUL's
 * FileHandler the live file keeps its plain name, so {@code tail -f log/osm.log} works.
 * Thread-safe: publish is synchronized.
 */
final class RotatingFileHandler extends Handler {
  private final Path file;
  private final long limit;
  private final int count;
  private OutputStream out;
  private long size;

  RotatingFileHandler(Path file, long limit, int count) throws IOException {
    this.file = file;
    this.limit = limit;
    this.count = count;
    open();
  }

  private void open() throws IOException {
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    size = Files.size(file);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    if (!isLoggable(record) || out == null) {
      return;
    }
    try {
      byte[] line = getFormatter().format(record).getBytes(StandardCharsets.UTF_8);
      if (size > 0 && size + line.length > limit) {
        rotate();
      }
      out.write(line);
      out.flush();
      size += line.length;
    } catch (IOException | RuntimeException e) {
      reportError("cannot write " + file, e, ErrorManager.WRITE_FAILURE);
    }
  }

  private void rotate() throws IOException {
    out.close();
    for (int i = count - 1; i >= 1; i--) {
      Path from = i == 1 ? file : file.resolveSibling(file.getFileName() + "." + (i - 1));
      Path to = file.resolveSibling(file.getFileName() + "." + i);
      if (Files.exists(from)) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    open();
  }

  @Override
  public synchronized void flush() {
    try {
      if (out != null) {
        out.flush();
      }
    } catch (IOException e) {
      reportError("cannot flush " + file, e, ErrorManager.FLUSH_FAILURE);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      reportError("cannot close " + file, e, ErrorManager.CLOSE_FAILURE);
    } finally {
      out = null;
    }
  }
}
