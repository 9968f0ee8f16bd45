package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Property(tries = 200)
  void everyDelayIsItsBaseTimesAFactorBetweenHalfAndOneAndAHalf(@ForAll long seed) {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(seed));
    long[] bases = {1, 2, 4, 8, 16, 32, 60, 60, 60, 60};
    for (long base : bases) {
      long millis = backoff.next().toMillis();
      assertThat(millis).isBetween(base * 500, base * 1500);
    }
  }

  @Test
  void theDelaysAreJitteredSoAgentsDoNotComeBackInStep() {
    List<Long> first = new ArrayList<>();
    Random seeds = new Random(7);
    for (int agent = 0; agent < 20; agent++) {
      Random random = new Random(seeds.nextLong());
      first.add(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), random).next().toMillis());
    }
    assertThat(first.stream().distinct().count()).isGreaterThan(10);
  }

  @Test
  void aResetStartsAgainFromTheInitialDelay() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(1));
    for (int i = 0; i < 8; i++) {
      backoff.next();
    }
    assertThat(backoff.next().toMillis()).isGreaterThanOrEqualTo(30_000);
    backoff.reset();
    assertThat(backoff.next().toMillis()).isBetween(500L, 1500L);
  }
}
