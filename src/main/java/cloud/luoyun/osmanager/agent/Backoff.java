package cloud.luoyun.osmanager.agent;

import java.time.Duration;
import java.util.Random;

/**
 * Capped, jittered exponential back-off between connection attempts: the base doubles from
 * {@code initial} up to {@code max}, and each delay is the base times a random factor in
 * [0.5, 1.5), so thousands of agents whose controller restarted do not come back in step.
 * With the defaults (1 s, 60 s) delays run 0.5..1.5 s, 1..3 s, 2..6 s, ... up to 30..90 s.
 *
 * <p>Not thread-safe: owned by the agent's connection thread.
 */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final Random random;
  private int attempt;

  Backoff(Duration initial, Duration max, Random random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("back-off needs 0 < initial <= max");
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The delay before the next attempt; each call without a {@link #reset()} doubles the base. */
  Duration next() {
    long base = initialMillis;
    for (int i = 0; i < attempt && base < maxMillis; i++) {
      base *= 2;
    }
    base = Math.min(base, maxMillis);
    if (base < maxMillis) {
      attempt++;
    }
    return Duration.ofMillis((long) (base * (0.5 + random.nextDouble())));
  }

  /** After a session that lasted: the next failure starts again from {@code initial}. */
  void reset() {
    attempt = 0;
  }
}
