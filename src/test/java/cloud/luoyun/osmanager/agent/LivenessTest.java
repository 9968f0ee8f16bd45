package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The liveness rule alone, on a clock the test moves. */
class LivenessTest {
  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final Liveness liveness = new Liveness(clock::get, new Random(7), Duration.ofSeconds(30), Duration.ofSeconds(20));

  void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void aControllerHeardFromRecentlyIsNotAsked() {
    advance(Duration.ofSeconds(29));
    assertThat(liveness.startCheckIfQuiet()).isNull();
    liveness.heard();
    advance(Duration.ofSeconds(29));
    assertThat(liveness.startCheckIfQuiet()).isNull();
    assertThat(liveness.isOverdue()).isFalse();
  }

  @Test
  void aQuietControllerIsAskedOnceWithFreshBytesUntilItAnswers() {
    advance(Duration.ofSeconds(30));
    byte[] first = liveness.startCheckIfQuiet();
    assertThat(first).hasSize(Liveness.ECHO_LENGTH);
    assertThat(liveness.startCheckIfQuiet()).as("one check at a time").isNull();

    assertThat(liveness.answers(first)).isTrue();
    advance(Duration.ofSeconds(30));
    byte[] second = liveness.startCheckIfQuiet();
    assertThat(second).isNotNull().isNotEqualTo(first);
  }

  @Test
  void anUnansweredCheckIsOverdueAfterTheTimeLimitAndNotBefore() {
    advance(Duration.ofSeconds(30));
    liveness.startCheckIfQuiet();
    advance(Duration.ofSeconds(20).minusNanos(1));
    assertThat(liveness.isOverdue()).isFalse();
    advance(Duration.ofNanos(1));
    assertThat(liveness.isOverdue()).isTrue();
  }

  @Test
  void onlyTheRightBytesAnswerACheck() {
    advance(Duration.ofSeconds(30));
    byte[] asked = liveness.startCheckIfQuiet();
    byte[] wrong = asked.clone();
    wrong[0] ^= 1;

    assertThat(liveness.answers(wrong)).isFalse();
    assertThat(liveness.answers(new byte[0])).isFalse();
    liveness.heard(); // other traffic shows the host is up, not that the controller serves us
    advance(Duration.ofSeconds(20));
    assertThat(liveness.isOverdue()).isTrue();
  }

  @Test
  void aReplyWithNoCheckOutstandingAnswersNothing() {
    assertThat(liveness.answers(new byte[Liveness.ECHO_LENGTH])).isFalse();
    advance(Duration.ofSeconds(30));
    byte[] asked = liveness.startCheckIfQuiet();
    assertThat(liveness.answers(asked)).isTrue();
    assertThat(liveness.answers(asked)).as("the same reply twice").isFalse();
  }
}
