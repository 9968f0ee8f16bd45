package cloud.luoyun.osmanager.webssh;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Limits failed logins, per client address and overall, on top of the sshd's own limits
 * (MaxAuthTries, PAM delays): a browser script must not turn the terminal into a fast password
 * oracle, from one address or from many.
 *
 * <p>Each limit is a bucket of {@code burst} failures that refills one failure every
 * {@code refill}; a login waits while a bucket it is subject to is empty. Per address, always
 * (IPv6 by /64: one subscriber's addresses are one address here, see {@link #clientKey}).
 * Overall, except for an address from which someone logged in within the last
 * {@value #TRUSTED_HOURS} hours: a limit that every address shares is one that many addresses can
 * spend for everybody, and the owner, who has logged in from their address before, must not be
 * locked out by it. Failures from a trusted address still count against the overall budget.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses of each kind are remembered, the
 * least recently seen forgotten first. Time comes from a monotonic clock (nanoseconds).
 * Thread-safe.
 */
final class LoginLimiter {
  static final int TRUSTED_HOURS = 24;
  private static final long TRUSTED_NANOS = Duration.ofHours(TRUSTED_HOURS).toNanos();

  /** A bucket's size and how fast it refills. */
  record Rate(int burst, Duration refill) {
    Rate {
      if (burst < 1 || refill.isNegative() || refill.isZero()) {
        throw new IllegalArgumentException("burst " + burst + ", refill " + refill);
      }
    }

    /** Until when a bucket drawn down to {@code forgivenAt} must wait at {@code now}; 0 if not. */
    long waitNanos(long forgivenAt, long now) {
      long wait = forgivenAt - now - (burst - 1) * refill.toNanos();
      return Math.max(0, wait);
    }

    /** The bucket's new "all forgiven at" after one more failure at {@code now}. */
    long afterFailure(long forgivenAt, long now) {
      return (forgivenAt - now < 0 ? now : forgivenAt) + refill.toNanos();
    }
  }

  /**
   * How long a login must wait, and why.
   *
   * @param overall true when the overall budget is spent, not this address's own
   */
  record Wait(Duration duration, boolean overall) {
    static final Wait NONE = new Wait(Duration.ZERO, false);

    boolean isZero() {
      return duration.isZero();
    }
  }

  private final Rate perAddress;
  private final Rate overall;
  private final LongSupplier nanoClock;
  private final Map<InetAddress, Long> forgivenAt; // per address key: when all its failures are forgiven
  private final Map<InetAddress, Long> loggedInAt; // per address key: its last successful login
  private long overallForgivenAt;

  LoginLimiter(Rate perAddress, Rate overall, int maxAddresses, LongSupplier nanoClock) {
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses " + maxAddresses);
    }
    this.perAddress = perAddress;
    this.overall = overall;
    this.nanoClock = nanoClock;
    this.forgivenAt = lru(maxAddresses);
    this.loggedInAt = lru(maxAddresses);
    this.overallForgivenAt = nanoClock.getAsLong();
  }

  private static Map<InetAddress, Long> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Long> eldest) {
        return size() > max;
      }
    };
  }

  /** How long {@code address} must wait before its next login; {@link Wait#NONE} if it may try now. */
  synchronized Wait waitBeforeLogin(InetAddress address) {
    long now = nanoClock.getAsLong();
    InetAddress key = clientKey(address);
    Long own = forgivenAt.get(key);
    long wait = own == null ? 0 : perAddress.waitNanos(own, now);
    if (wait > 0) {
      return new Wait(Duration.ofNanos(wait), false);
    }
    if (trusted(key, now)) {
      return Wait.NONE;
    }
    long shared = overall.waitNanos(overallForgivenAt, now);
    return shared > 0 ? new Wait(Duration.ofNanos(shared), true) : Wait.NONE;
  }

  /** Records one refused password; returns true if the address may still try now. */
  synchronized boolean recordFailure(InetAddress address) {
    long now = nanoClock.getAsLong();
    InetAddress key = clientKey(address);
    Long own = forgivenAt.get(key);
    forgivenAt.put(key, perAddress.afterFailure(own == null ? now : own, now));
    overallForgivenAt = overall.afterFailure(overallForgivenAt, now);
    return waitBeforeLogin(address).isZero();
  }

  /** Someone logged in from {@code address}: the overall limit spares it for a while. */
  synchronized void recordSuccess(InetAddress address) {
    loggedInAt.put(clientKey(address), nanoClock.getAsLong());
  }

  private boolean trusted(InetAddress key, long now) {
    Long at = loggedInAt.get(key);
    return at != null && now - at < TRUSTED_NANOS;
  }

  /**
   * The address as the limits count it: an IPv4 address as it is, an IPv6 address by its /64
   * prefix, which is what one subscriber gets (a host picks any of 2^64 addresses in it at will).
   */
  static InetAddress clientKey(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }
}
