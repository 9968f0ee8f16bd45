package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.LogCapture;
import cloud.luoyun.osmanager.agent.AgentEvent.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an operator reads in the journal about the agent's controller, on a clock the test turns. */
class ControllerLinkTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final AtomicLong nanos = new AtomicLong();
  private final ControllerLink link = new ControllerLink(nanos::get, new Clock() {
    @Override
    public Instant instant() {
      return T0.plusNanos(nanos.get());
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  });
  private final LogCapture log = LogCapture.of(Agent.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  /** One attempt as the agent makes it when nobody listens: three events. */
  private void failedAttempt() {
    link.onEvent(new AgentEvent(Kind.CONNECTING, "10.0.0.1:1369"));
    link.onEvent(new AgentEvent(Kind.UNREACHABLE, "10.0.0.1:1369: Connection refused"));
    link.onEvent(new AgentEvent(Kind.RETRYING, "in 60000 ms"));
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void anUnreachableControllerIsOneWarningThenRemindersAfter1_5_15And60MinutesThenHourly() {
    for (int i = 0; i < 3 * 60 * 2; i++) { // three hours, an attempt every 30 s
      failedAttempt();
      advance(Duration.ofSeconds(30));
    }

    assertThat(log.warnings()).containsExactly(
        "controller unreachable: 10.0.0.1:1369: Connection refused; retrying",
        "still not registered after 1 min (3 failed attempts); latest: controller unreachable: 10.0.0.1:1369: "
            + "Connection refused",
        "still not registered after 5 min (11 failed attempts); latest: controller unreachable: 10.0.0.1:1369: "
            + "Connection refused",
        "still not registered after 15 min (31 failed attempts); latest: controller unreachable: 10.0.0.1:1369: "
            + "Connection refused",
        "still not registered after 1 h (121 failed attempts); latest: controller unreachable: 10.0.0.1:1369: "
            + "Connection refused",
        "still not registered after 2 h (241 failed attempts); latest: controller unreachable: 10.0.0.1:1369: "
            + "Connection refused");
    assertThat(log.messages()).as("nothing at info per attempt").hasSize(6);
  }

  @Test
  void theControllerBackIsOneLineSayingHowLongItWasAway() {
    failedAttempt();
    advance(Duration.ofMinutes(7));
    failedAttempt();

    link.onEvent(new AgentEvent(Kind.CONNECTING, "10.0.0.1:1369"));
    link.onEvent(new AgentEvent(Kind.CONTROLLER_AUTHENTICATED, "10.0.0.1:1369"));
    link.onEvent(new AgentEvent(Kind.REGISTERED, "with 10.0.0.1:1369 as tag 42 from 10.0.0.5"));

    List<String> infos = log.messages().stream().filter(m -> !log.warnings().contains(m)).toList();
    assertThat(infos).containsExactly(
        "registered with 10.0.0.1:1369 as tag 42 from 10.0.0.5, after 7 min without the controller (2 failed attempts)");
  }

  @Test
  void aLostConnectionIsOneWarningAndTheNextSpellOfTroubleIsWarnedOfAfresh() {
    link.onEvent(new AgentEvent(Kind.REGISTERED, "with 10.0.0.1:1369 as tag 42 from 10.0.0.5"));
    link.onEvent(new AgentEvent(Kind.DISCONNECTED, "10.0.0.1:1369 closed the connection"));
    failedAttempt();
    failedAttempt();
    link.onEvent(new AgentEvent(Kind.REGISTERED, "with 10.0.0.1:1369 as tag 42 from 10.0.0.5"));
    failedAttempt();

    assertThat(log.warnings()).containsExactly(
        "connection to the controller lost: 10.0.0.1:1369 closed the connection; retrying",
        "controller unreachable: 10.0.0.1:1369: Connection refused; retrying",
        "controller unreachable: 10.0.0.1:1369: Connection refused; retrying");
  }

  @Test
  void beaconsThatCannotBeListenedForAreOneWarningWhileTheyCannot() {
    for (int i = 0; i < 20; i++) {
      link.onEvent(new AgentEvent(Kind.DISCOVERING, "JOIN beacons on 228.0.0.1:1369"));
      link.discoveryFailed("228.0.0.1:1369: No such device");
    }

    assertThat(log.warnings()).containsExactly("cannot listen for JOIN beacons: 228.0.0.1:1369: No such device");
    assertThat(log.messages()).as("listening, said once").containsOnlyOnce("discovering JOIN beacons on 228.0.0.1:1369");
  }

  @Test
  void theSnapshotSaysSinceWhenTheAgentIsRegisteredOrWhatKeepsItFromBeing() {
    failedAttempt();
    assertThat(link.snapshot(false)).isEqualTo(new ControllerState(java.util.Optional.of("10.0.0.1:1369"), false,
        java.util.Optional.empty(), java.util.OptionalInt.empty(), java.util.Optional.empty(), java.util.Optional.of(T0),
        java.util.Optional.of("controller unreachable: 10.0.0.1:1369: Connection refused")));

    advance(Duration.ofSeconds(90));
    link.onEvent(new AgentEvent(Kind.REGISTERED, "with 10.0.0.1:1369 as tag 42 from 10.0.0.5"));
    advance(Duration.ofSeconds(1));
    link.reported(2000);
    ControllerState registered = link.snapshot(true);

    assertThat(registered.registeredSince()).contains(T0.plusSeconds(90));
    assertThat(registered.lastReport()).hasValue(2000);
    assertThat(registered.lastReportAt()).contains(T0.plusSeconds(91));
    assertThat(registered.trouble()).isEmpty();
    assertThat(registered.troubleSince()).isEmpty();
  }
}
