package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Failed logins, limited per address and overall, on a clock of the test's own. */
class LoginLimiterTest {
  private final AtomicLong now = new AtomicLong(123_456_789L);
  /** As the terminal has it: 5 per address then one per 30 s; 10 overall then one per 10 s. */
  private final LoginLimiter limiter = new LoginLimiter(new LoginLimiter.Rate(5, Duration.ofSeconds(30)),
      new LoginLimiter.Rate(10, Duration.ofSeconds(10)), 4096, now::get);

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** Every address tries whenever it may, every 0.5 s for {@code span}; returns the tries made. */
  private int tryAsOftenAsAllowed(Duration span, InetAddress... addresses) {
    int tries = 0;
    for (long t = 0; t < span.toMillis(); t += 500) {
      for (InetAddress a : addresses) {
        if (limiter.waitBeforeLogin(a).isZero()) {
          tries++;
          limiter.recordFailure(a);
        }
      }
      advance(Duration.ofMillis(500));
    }
    return tries;
  }

  @Test
  void anAddressThatFailsTooOftenMustWaitAndOthersNeedNot() throws Exception {
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.recordFailure(a)).isTrue();
    }
    assertThat(limiter.recordFailure(a)).isFalse();
    assertThat(limiter.waitBeforeLogin(a)).isEqualTo(new LoginLimiter.Wait(Duration.ofSeconds(30), false));
    assertThat(limiter.waitBeforeLogin(ip("192.0.2.2")).isZero()).isTrue();
    advance(Duration.ofSeconds(10));
    assertThat(limiter.waitBeforeLogin(a).duration()).isEqualTo(Duration.ofSeconds(20));
    advance(Duration.ofSeconds(20));
    assertThat(limiter.waitBeforeLogin(a).isZero()).isTrue();
  }

  /** Issue 11: 4 addresses got 20 tries in 30 s (5 each); the overall budget bounds them together. */
  @Test
  void manyAddressesTogetherGetNoMoreThanTheOverallBudget() throws Exception {
    int tries = tryAsOftenAsAllowed(Duration.ofSeconds(30), ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"),
        ip("10.0.0.4"));
    assertThat(tries).isLessThan(20).isLessThanOrEqualTo(10 + 3); // the burst, then one per 10 s
    limiter.recordFailure(ip("10.0.0.5"));
    assertThat(limiter.waitBeforeLogin(ip("10.0.0.9")).overall()).as("a fifth address waits too").isTrue();
  }

  @Test
  void theOverallBudgetSparesAnAddressThatLoggedInBefore() throws Exception {
    InetAddress owner = ip("198.51.100.7");
    limiter.recordSuccess(owner);
    tryAsOftenAsAllowed(Duration.ofSeconds(5), ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"));
    assertThat(limiter.waitBeforeLogin(ip("10.0.0.9")).overall()).isTrue();

    assertThat(limiter.waitBeforeLogin(owner).isZero()).as("the owner is not locked out by others").isTrue();
    for (int i = 0; i < 4; i++) {
      limiter.recordFailure(owner);
    }
    assertThat(limiter.recordFailure(owner)).as("but its own limit still holds").isFalse();
    assertThat(limiter.waitBeforeLogin(owner).overall()).isFalse();
    advance(Duration.ofHours(LoginLimiter.TRUSTED_HOURS));
    assertThat(limiter.waitBeforeLogin(ip("10.0.0.9")).isZero()).as("the budget refilled meanwhile").isTrue();
  }

  @Test
  void anIpv6SubscriberCountsAsOneAddressWhicheverOfItsAddressesItUses() throws Exception {
    for (int i = 1; i <= 5; i++) {
      limiter.recordFailure(ip("2001:db8:1:2::" + Integer.toHexString(i)));
    }
    assertThat(limiter.waitBeforeLogin(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")).overall()).isFalse();
    assertThat(limiter.waitBeforeLogin(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")).isZero()).isFalse();
    assertThat(limiter.waitBeforeLogin(ip("2001:db8:1:3::1")).isZero()).isTrue();
    assertThat(LoginLimiter.clientKey(ip("192.0.2.1"))).isEqualTo(ip("192.0.2.1"));
  }

  @Test
  void theLimiterRemembersABoundedNumberOfAddresses() throws Exception {
    LoginLimiter small = new LoginLimiter(new LoginLimiter.Rate(1, Duration.ofMinutes(1)),
        new LoginLimiter.Rate(1000, Duration.ofSeconds(1)), 2, now::get);
    InetAddress a = ip("192.0.2.1");
    small.recordFailure(a);
    small.recordFailure(ip("192.0.2.2"));
    small.recordFailure(ip("192.0.2.3"));
    assertThat(small.waitBeforeLogin(a).isZero()).isTrue(); // forgotten, the oldest
  }
}
