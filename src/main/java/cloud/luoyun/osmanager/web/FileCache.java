package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small files kept in memory, each with its last templated form, so that a page asked for again
 * costs no read and, within the same minute, no templating. An entry is used only while the
 * file's inode, size and modification time (from the stat the lookup already made) are unchanged.
 * Bounded: files up to {@link #MAX_FILE_BYTES}, {@link #MAX_TOTAL_BYTES} in all, least recently
 * used first out.
 *
 * <p>Thread-safe.
 */
final class FileCache {
  static final int MAX_FILE_BYTES = 256 * 1024;
  static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024;

  private record Stamp(Path file, Object fileKey, long size, FileTime modified) {
    static Stamp of(Path file, BasicFileAttributes a) {
      return new Stamp(file, a.fileKey(), a.size(), a.lastModifiedTime());
    }
  }

  /** One file's bytes and its most recent templated form. */
  static final class Entry {
    private final Stamp stamp;
    final byte[] bytes;
    private volatile Rendered rendered;

    private Entry(Stamp stamp, byte[] bytes) {
      this.stamp = stamp;
      this.bytes = bytes;
    }

    /** The page templated with these values, reusing the last result when the values are the same. */
    byte[] templated(Map<String, String> values) {
      Rendered r = rendered;
      if (r != null && r.values.equals(values)) {
        return r.bytes;
      }
      byte[] out = PageTemplate.fill(bytes, values);
      rendered = new Rendered(Map.copyOf(values), out);
      return out;
    }
  }

  private record Rendered(Map<String, String> values, byte[] bytes) {}

  private final LinkedHashMap<Path, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long total;

  /**
   * The file's content: from memory when unchanged since it was read, else read now (without
   * following a link that appeared since the lookup) and kept if small enough.
   */
  Entry get(Path file, BasicFileAttributes attributes) throws IOException {
    Stamp stamp = Stamp.of(file, attributes);
    synchronized (this) {
      Entry e = entries.get(file);
      if (e != null && e.stamp.equals(stamp)) {
        return e;
      }
    }
    Entry fresh = new Entry(stamp, read(file, attributes.size()));
    if (fresh.bytes.length == attributes.size() && fresh.bytes.length <= MAX_FILE_BYTES) {
      put(file, fresh);
    }
    return fresh;
  }

  private synchronized void put(Path file, Entry e) {
    Entry old = entries.put(file, e);
    if (old != null) {
      total -= old.bytes.length;
    }
    total += e.bytes.length;
    for (Iterator<Entry> it = entries.values().iterator(); total > MAX_TOTAL_BYTES && it.hasNext(); ) {
      Entry eldest = it.next();
      if (eldest != e) {
        total -= eldest.bytes.length;
        it.remove();
      }
    }
  }

  synchronized int size() {
    return entries.size();
  }

  /** Reads at most {@code expected} bytes (the size at stat time; never more than the in-memory cap). */
  static byte[] read(Path file, long expected) throws IOException {
    int cap = (int) Math.min(Math.max(expected, 0), PageHandler.MAX_IN_MEMORY_BYTES);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer b = ByteBuffer.allocate(cap);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // keep reading until full or end of file
      }
      return b.position() == cap ? b.array() : java.util.Arrays.copyOf(b.array(), b.position());
    }
  }

  @Override
  public synchronized String toString() {
    return "FileCache[" + size() + " files, " + total + " bytes]";
  }
}
