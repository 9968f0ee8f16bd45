package cloud.luoyun.osmanager.web;

import java.util.function.LongSupplier;

/**
 * How often the page server looks at the disk again for what it has already found out: the
 * config, {@code build/VERSION}, the terminal's certificate, and what each URL path leads to.
 * Once a second: a change to any of them is served within a second, and a burst of requests costs
 * no {@code stat} per request (four of them were a fifth of a page's CPU time under C1).
 *
 * @param intervalNanos how long something looked up is believed
 * @param ticker a monotonic clock in nanoseconds ({@link System#nanoTime()}; a hand-moved one in tests)
 */
record Recheck(long intervalNanos, LongSupplier ticker) {
  static final Recheck EVERY_SECOND = new Recheck(1_000_000_000L, System::nanoTime);

  Recheck {
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("negative interval " + intervalNanos);
    }
  }

  /** The tick now. */
  long now() {
    return ticker.getAsLong();
  }

  /** Until when what is looked up {@code now} is believed. */
  long believedUntil(long now) {
    return now + intervalNanos;
  }

  /** Whether something believed until {@code until} must be looked up again at {@code now}. */
  static boolean due(long now, long until) {
    return now - until >= 0;
  }
}
