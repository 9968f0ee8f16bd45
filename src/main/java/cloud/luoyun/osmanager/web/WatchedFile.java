package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * A value derived from a file, derived again only when the file changes: its inode (an atomic
 * rename replaces it), size or modification time. Checking costs one stat per call, cheap enough
 * to do on every request, so a new {@code luoyun.conf} or {@code build/VERSION} is seen at once
 * without a watcher thread.
 *
 * <p>Thread-safe and lock-free while the file is unchanged; the loader runs under this object's
 * lock, once per change.
 *
 * @param <T> the derived value
 */
final class WatchedFile<T> {
  /** Derives the value; {@code exists} is false when the file was not there when stat'ed. */
  interface Loader<T> {
    T load(Path file, boolean exists);
  }

  private record Stamp(Object fileKey, long size, FileTime modified) {
    static final Stamp MISSING = new Stamp(null, -1, FileTime.fromMillis(0));
  }

  private record Entry<T>(Stamp stamp, T value) {}

  private final Path file;
  private final Loader<T> loader;
  private volatile Entry<T> current;

  WatchedFile(Path file, Loader<T> loader) {
    this.file = file;
    this.loader = loader;
  }

  T get() {
    // stat before load: a change during the load is seen on the next call
    Stamp now = stat(file);
    Entry<T> e = current;
    if (e != null && e.stamp().equals(now)) {
      return e.value();
    }
    synchronized (this) {
      e = current;
      if (e == null || !e.stamp().equals(now)) {
        e = new Entry<>(now, loader.load(file, !now.equals(Stamp.MISSING)));
        current = e;
      }
      return e.value();
    }
  }

  private static Stamp stat(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime());
    } catch (NoSuchFileException e) {
      return Stamp.MISSING;
    } catch (IOException e) {
      // unreadable directory and the like: treat as missing, the loader says what it finds
      return Stamp.MISSING;
    }
  }
}
