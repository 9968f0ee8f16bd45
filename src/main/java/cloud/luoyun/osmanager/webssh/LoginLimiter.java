package cloud.luoyun.osmanager.webssh;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Limits failed logins per client address: a bucket of {@code burst} failures per address that
 * refills one failure every {@code refill}. An address with an empty bucket must wait before it
 * may try again. This comes on top of the sshd's own limits (MaxAuthTries, PAM delays), and keeps
 * a browser script from turning the terminal into a fast password oracle.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are remembered, the least recently
 * seen forgotten first. Time comes from a monotonic clock (nanoseconds). Thread-safe.
 */
final class LoginLimiter {
  private final int burst;
  private final long refillNanos;
  private final LongSupplier nanoClock;
  private final Map<InetAddress, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long updated;
  }

  LoginLimiter(int burst, Duration refill, int maxAddresses, LongSupplier nanoClock) {
    if (burst < 1 || refill.isNegative() || refill.isZero() || maxAddresses < 1) {
      throw new IllegalArgumentException("burst " + burst + ", refill " + refill + ", maxAddresses " + maxAddresses);
    }
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.nanoClock = nanoClock;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
        return size() > maxAddresses;
      }
    };
  }

  /** How long {@code address} must wait before its next login; zero if it may try now. */
  synchronized Duration waitBeforeLogin(InetAddress address) {
    Bucket bucket = buckets.get(address);
    if (bucket == null) {
      return Duration.ZERO;
    }
    refill(bucket);
    if (bucket.tokens >= 1) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) * refillNanos));
  }

  /** Records one refused password; returns true if the address may still try now. */
  synchronized boolean recordFailure(InetAddress address) {
    Bucket bucket = buckets.computeIfAbsent(address, a -> {
      Bucket b = new Bucket();
      b.tokens = burst;
      b.updated = nanoClock.getAsLong();
      return b;
    });
    refill(bucket);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    return bucket.tokens >= 1;
  }

  private void refill(Bucket bucket) {
    long now = nanoClock.getAsLong();
    long elapsed = now - bucket.updated;
    bucket.updated = now;
    bucket.tokens = Math.min(burst, bucket.tokens + (double) elapsed / refillNanos);
  }
}
