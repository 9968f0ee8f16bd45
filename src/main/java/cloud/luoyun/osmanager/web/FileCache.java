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
 *
 * <p>Bounded twice, least recently used first out: at most {@link #MAX_ENTRIES} files, and at most
 * {@link #MAX_TOTAL_BYTES} of heap, counting for each entry its bytes, its templated form and
 * {@link #ENTRY_OVERHEAD} for the objects around them. Bytes alone were not enough: a folder of
 * 40 000 small pages cost ~0.8 KiB of heap each beyond their content, and filled a 32 MiB heap.
 * Files over {@link #MAX_FILE_BYTES} are never kept.
 *
 * <p>Thread-safe.
 */
final class FileCache {
  static final int MAX_FILE_BYTES = 256 * 1024;
  static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024;
  /** More pages than an appliance's site has; a crawl of a bigger folder just cycles through. */
  static final int MAX_ENTRIES = 512;
  /**
   * Heap of one entry beyond its content: its path, stamp, file key and times, the map node, the
   * entry and its templated form with the values' map (measured: ~0.8 KiB), rounded up.
   */
  static final int ENTRY_OVERHEAD = 1024;

  private record Stamp(Path file, Object fileKey, long size, FileTime modified) {
    static Stamp of(Path file, BasicFileAttributes a) {
      return new Stamp(file, a.fileKey(), a.size(), a.lastModifiedTime());
    }
  }

  /** One file's bytes and its most recent templated form. */
  final class Entry {
    private final Stamp stamp;
    final byte[] bytes;
    private volatile Rendered rendered;
    private long charged; // guarded by FileCache.this: what this entry counts in total, 0 when not kept

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
      recharge(this);
      return out;
    }

    private long cost() {
      Rendered r = rendered;
      return ENTRY_OVERHEAD + bytes.length + (r == null ? 0 : r.bytes.length);
    }
  }

  private record Rendered(Map<String, String> values, byte[] bytes) {}

  private final LinkedHashMap<Path, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long total;

  /** Whether {@link #get} would give this file's content from memory, unchanged since it was read. */
  boolean holds(Path file, BasicFileAttributes attributes) {
    Stamp stamp = Stamp.of(file, attributes);
    synchronized (this) {
      Entry e = entries.get(file);
      return e != null && e.stamp.equals(stamp);
    }
  }

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
      total -= old.charged;
      old.charged = 0;
    }
    e.charged = e.cost();
    total += e.charged;
    trim(e);
  }

  /** An entry's templated form changed: count its new size, if it is still kept. */
  private synchronized void recharge(Entry e) {
    if (entries.get(e.stamp.file()) != e) {
      return; // replaced or evicted meanwhile: it counts for nothing
    }
    total -= e.charged;
    e.charged = e.cost();
    total += e.charged;
    trim(e);
  }

  /** Evicts the least recently used entries, never {@code keep}, until both bounds hold. */
  private void trim(Entry keep) {
    for (Iterator<Entry> it = entries.values().iterator();
        (total > MAX_TOTAL_BYTES || entries.size() > MAX_ENTRIES) && it.hasNext(); ) {
      Entry eldest = it.next();
      if (eldest != keep) {
        total -= eldest.charged;
        eldest.charged = 0;
        it.remove();
      }
    }
  }

  synchronized int size() {
    return entries.size();
  }

  /** Heap counted for the kept entries, in bytes (content, templated forms and overhead). */
  synchronized long heapBytes() {
    return total;
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
