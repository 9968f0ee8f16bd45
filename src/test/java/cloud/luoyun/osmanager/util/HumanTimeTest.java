package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HumanTimeTest {
  private static final Instant T = Instant.parse("2026-11-25T10:58:21.750Z");

  @Test
  void spansAreAsPreciseAsAPersonNeeds() {
    assertThat(HumanTime.span(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(HumanTime.span(Duration.ofSeconds(7 * 60 + 59))).isEqualTo("7 min");
    assertThat(HumanTime.span(Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
    assertThat(HumanTime.span(Duration.ofHours(3))).isEqualTo("3 h");
    assertThat(HumanTime.span(Duration.ofHours(76))).isEqualTo("3 d 4 h");
  }

  @Test
  void isoTimesCarryTheOffsetAndReadBack() {
    String iso = HumanTime.iso(T);

    assertThat(iso).matches("2026-11-2\\dT\\d\\d:\\d\\d:21[+-]\\d\\d:\\d\\d");
    assertThat(HumanTime.parse(iso)).contains(Instant.parse("2026-11-25T10:58:21Z"));
    assertThat(HumanTime.parse(1764000000000L)).as("epoch milliseconds of an older daemon.json").isEmpty();
    assertThat(HumanTime.parse("yesterday")).isEmpty();
  }

  @Test
  void aTimeForPeopleSaysHowLongAgo() {
    assertThat(HumanTime.at(T, T.plusSeconds(200))).endsWith(" (3 min ago)").contains(":58:21");
    assertThat(HumanTime.at(T, T.minusSeconds(5))).endsWith(" (5 s from now: the clock was set back)");
  }
}
