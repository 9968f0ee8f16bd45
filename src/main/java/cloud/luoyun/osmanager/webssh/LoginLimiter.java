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
  private final long refillNanos;
  private final long slackNanos; // (burst - 1) refills: how far ahead the bucket may be drawn
  private final LongSupplier nanoClock;
  // per address: when all its failures will have been forgiven (monotonic nanos)
  private final Map<InetAddress, Long> forgivenAt;

  LoginLimiter(int burst, Duration refill, int maxAddresses, LongSupplier nanoClock) {
    if (burst < 1 || refill.isNegative() || refill.isZero() || maxAddresses < 1) {
      throw new IllegalArgumentException("burst " + burst + ", refill " + refill + ", maxAddresses " + maxAddresses);
    }
    this.refillNanos = refill.toNanos();
    this.slackNanos = (burst - 1) * refillNanos;
    this.nanoClock = nanoClock;
    this.forgivenAt = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Long> eldest) {
        return size() > maxAddresses;
      }
    };
  }

  /** How long {@code address} must wait before its next login; zero if it may try now. */
  synchronized Duration waitBeforeLogin(InetAddress address) {
    Long until = forgivenAt.get(address);
    if (until == null) {
      return Duration.ZERO;
    }
    long wait = until - nanoClock.getAsLong() - slackNanos;
    return wait > 0 ? Duration.ofNanos(wait) : Duration.ZERO;
  }

  /** Records one refused password; returns true if the address may still try now. */
  synchronized boolean recordFailure(InetAddress address) {
    long now = nanoClock.getAsLong();
    Long until = forgivenAt.get(address);
    long next = (until == null || until - now < 0 ? now : until) + refillNanos;
    forgivenAt.put(address, next);
    return next - now <= slackNanos;
  }
}
