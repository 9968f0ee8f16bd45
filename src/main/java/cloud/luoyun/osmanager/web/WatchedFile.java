package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A value derived from a file, derived again only when the file changes: its inode (an atomic
 * rename replaces it), size or modification time. The file is stat'ed at most once per
 * {@link Recheck} interval, so a new {@code luoyun.conf} or {@code build/VERSION} is seen within a
 * second, without a watcher thread and without a stat per request.
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

  /** A value and the stamp it came from, believed without a stat until {@code until}. */
  private record Entry<T>(Stamp stamp, T value, long until) {}

  private final Path file;
  private final Loader<T> loader;
  private final Recheck recheck;
  private final AtomicReference<Entry<T>> current = new AtomicReference<>();

  WatchedFile(Path file, Loader<T> loader, Recheck recheck) {
    this.file = file;
    this.loader = loader;
    this.recheck = recheck;
  }

  T get() {
    long tick = recheck.now();
    Entry<T> e = current.get();
    if (e != null && !Recheck.due(tick, e.until())) {
      return e.value();
    }
    // stat before load: a change during the load is seen at the next check
    Stamp now = stat(file);
    if (e != null && e.stamp().equals(now)) {
      // believed a while longer, unless another caller has put a newer value meanwhile
      current.compareAndSet(e, new Entry<>(now, e.value(), recheck.believedUntil(tick)));
      return e.value();
    }
    synchronized (this) {
      e = current.get();
      if (e == null || !e.stamp().equals(now)) {
        e = new Entry<>(now, loader.load(file, !now.equals(Stamp.MISSING)), recheck.believedUntil(tick));
        current.set(e);
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
