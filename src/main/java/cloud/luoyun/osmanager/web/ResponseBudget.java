package cloud.luoyun.osmanager.web;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of response bodies the page server holds in memory while clients read them, bounded. A
 * client that reads slowly keeps its response alive until the last byte is sent; 256 connections
 * asking for a 1 MiB page would need 256 MiB of heap. Beyond the budget a request is refused at
 * once (503) instead of growing the heap.
 *
 * <p>Thread-safe, lock-free.
 */
final class ResponseBudget {
  private final long maxBytes;
  private final AtomicLong used = new AtomicLong();

  ResponseBudget(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Takes {@code bytes} from the budget, or nothing and false when they do not fit. */
  boolean tryAcquire(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > maxBytes) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Gives back what a {@link #tryAcquire} took. */
  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }
}
