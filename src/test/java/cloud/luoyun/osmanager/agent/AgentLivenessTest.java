package cloud.luoyun.osmanager.agent;

import static cloud.luoyun.osmanager.agent.AgentFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.LogCapture;
import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.agent.AgentEvent.Kind;
import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent notices a controller that stops answering without closing the connection (SPEC §4.2
 * step 7), over real loopback sockets. The checks tick every few milliseconds of real time, but
 * whether the controller was quiet and whether an ECHO is overdue is measured on a clock the test
 * moves: nothing here depends on how fast the machine is.
 */
class AgentLivenessTest {
  /** Real time between checks; on the test's clock the controller counts as quiet after half of it. */
  static final Duration TICK = Duration.ofMillis(20);
  static final Duration ECHO_TIMEOUT = Duration.ofSeconds(20);
  /** A step of the test's clock longer than both the quiet spell and the ECHO time limit. */
  static final Duration STEP = ECHO_TIMEOUT.plusSeconds(1);

  @TempDir Path home;
  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final Recorder<AgentEvent> events = new Recorder<>();
  AgentFixture fixture;
  Agent agent;
  DevController devController;
  RawController rawController;
  LogCapture agentLog;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new AgentFixture(home);
    agentLog = LogCapture.of(Agent.class);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (devController != null) {
      devController.close();
    }
    if (rawController != null) {
      rawController.close();
    }
    agentLog.close();
  }

  void startAgent(InetSocketAddress controller) {
    startAgent(fixture.settings(Optional.of(controller), Duration.ofSeconds(60)).withEcho(TICK, ECHO_TIMEOUT));
  }

  void startAgent(AgentSettings settings) {
    Agent.Tuning tuning = new Agent.Tuning(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(60),
        Duration.ofSeconds(2), Duration.ofSeconds(2), 3, new Random(42), clock::get);
    agent = new Agent(settings, events::accept, tuning);
    agent.start();
  }

  void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void aControllerThatReturnsEveryEchoKeepsTheSessionAcrossSeveralChecks() throws Exception {
    Recorder<ControllerEvent> controllerEvents = new Recorder<>();
    devController = AgentFixture.controller(0, controllerEvents);
    startAgent(devController.start());
    events.await(kind(Kind.REGISTERED), WAIT);
    // the development controller probes every agent it registers: let that traffic pass first,
    // or it would count as heard after the test's clock has moved on
    events.await(kind(Kind.QUERY_ANSWERED), WAIT);

    for (int check = 1; check <= 3; check++) {
      // long enough that an unanswered earlier check would now be overdue and end the session
      advance(STEP);
      events.await(kind(Kind.ECHO_SENT), check, WAIT);
      events.await(kind(Kind.ECHO_RETURNED), check, WAIT);
    }
    advance(STEP);
    events.await(kind(Kind.ECHO_SENT), 4, WAIT); // the third check was answered, not given up on

    assertThat(events.count(kind(Kind.DISCONNECTED))).isZero();
    assertThat(events.count(kind(Kind.REGISTERED))).isEqualTo(1);
    assertThat(controllerEvents.count(e -> e.kind() == ControllerEvent.Kind.REGISTERED)).isEqualTo(1);
    assertThat(agent.isRegistered()).isTrue();
  }

  @Test
  void aControllerThatGoesSilentWithTheConnectionOpenIsLeftForAHealthyOne() throws Exception {
    rawController = new RawController();
    startAgent(rawController.address());
    try (RawController.Connection silent = rawController.accept()) {
      silent.register();
      events.await(kind(Kind.REPORTED), WAIT);
      // from here on the controller reads nothing and answers nothing, but keeps the connection

      advance(STEP);
      events.await(kind(Kind.ECHO_SENT), WAIT);
      advance(STEP);

      try (RawController.Connection healthy = rawController.accept()) {
        assertThat(healthy.register()).isEqualTo("7 7 127.0.0.1");
        events.await(kind(Kind.REGISTERED), 2, WAIT);
      }
      AgentEvent dropped = events.await(kind(Kind.DISCONNECTED), WAIT);
      assertThat(dropped.detail()).contains("stopped answering");
      assertThat(agentLog.warnings()).anyMatch(w -> w.startsWith("connection to the controller lost: controller")
          && w.contains("stopped answering (no ECHO reply within"));

      // what the silent controller had left unread: the report, then our ECHO request, then the end
      assertThat(silent.readExpecting(OsmProtocol.REPORT).int32Value()).isEqualTo(2000);
      assertThat(silent.readExpecting(OsmProtocol.ECHO_REQUEST).length()).isEqualTo(Liveness.ECHO_LENGTH);
      assertThat(silent.read()).as("the agent closed the connection").isNull();
    }
  }

  /**
   * Issue 11: a hung status script delayed noticing a dead controller (105 s instead of 75 s; with
   * --status-timeout 120 not noticed in 200 s): the ECHO checks waited on the same thread. The
   * script now runs without anyone waiting for it: here it hangs for the whole test (an hour's
   * time limit) and the silent controller is left all the same.
   */
  @Test
  void aHungStatusScriptDoesNotDelayNoticingASilentController() throws Exception {
    String marker = "400" + ProcessHandle.current().pid();
    fixture.writeScript("#!/bin/sh\nexec sleep " + marker + "\n");
    rawController = new RawController();
    AgentSettings settings = fixture.settings(Optional.of(rawController.address()), Duration.ofSeconds(1));
    startAgent(new AgentSettings(settings.tag(), settings.key(), settings.controller(), settings.discoveryGroup(),
        settings.statusScript(), settings.statusInterval(), Duration.ofHours(1), TICK, ECHO_TIMEOUT));
    try (RawController.Connection silent = rawController.accept()) {
      silent.register();
      events.await(kind(Kind.REGISTERED), WAIT);
      // the first status run (right after registering) hangs; the controller goes silent too

      advance(STEP);
      events.await(kind(Kind.ECHO_SENT), WAIT);
      advance(STEP);

      try (RawController.Connection healthy = rawController.accept()) {
        healthy.register();
        events.await(kind(Kind.REGISTERED), 2, WAIT);
      }
      assertThat(events.await(kind(Kind.DISCONNECTED), WAIT).detail()).contains("stopped answering");
      assertThat(events.count(kind(Kind.REPORTED))).as("the script never answered").isZero();
    }
  }

  @Test
  void anEchoReplyWithOtherBytesDoesNotCountAsAnAnswer() throws Exception {
    rawController = new RawController();
    startAgent(rawController.address());
    try (RawController.Connection wrong = rawController.accept()) {
      wrong.register();
      wrong.readExpecting(OsmProtocol.REPORT);

      advance(STEP);
      byte[] asked = wrong.readExpecting(OsmProtocol.ECHO_REQUEST).body();
      byte[] other = asked.clone();
      other[other.length - 1] ^= 0x5a;
      wrong.writer.write(new Frame(OsmProtocol.ECHO_REPLY, other));
      // the agent reads in order: once it has answered this, it has seen the wrong reply
      byte[] sync = "sync".getBytes(StandardCharsets.US_ASCII);
      wrong.writer.write(new Frame(OsmProtocol.ECHO_REQUEST, sync));
      assertThat(wrong.readExpecting(OsmProtocol.ECHO_REPLY).body()).isEqualTo(sync);
      assertThat(events.count(kind(Kind.ECHO_RETURNED))).isZero();

      advance(STEP);
      assertThat(wrong.read()).as("the agent gave up on the controller").isNull();
    }
    try (RawController.Connection healthy = rawController.accept()) {
      healthy.register();
    }
    assertThat(events.await(kind(Kind.DISCONNECTED), WAIT).detail()).contains("stopped answering");
  }

  @Test
  void checksDefaultToEveryMinuteWithTwentySecondsToAnswerAndZeroTurnsThemOff() {
    AgentSettings defaults = fixture.settings(Optional.empty(), Duration.ofSeconds(60));
    assertThat(defaults.echoInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.echoTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(defaults.echoChecks()).isTrue();
    assertThat(defaults.withEcho(Duration.ZERO, ECHO_TIMEOUT).echoChecks()).isFalse();
    assertThatThrownBy(() -> defaults.withEcho(Duration.ofSeconds(-1), ECHO_TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withEcho(TICK, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theAgentsOwnEchoChecksAreRoutineEventsButLosingTheControllerIsNot() {
    assertThat(Kind.ECHO_SENT.isRoutine()).isTrue();
    assertThat(Kind.ECHO_RETURNED.isRoutine()).isTrue();
    assertThat(Kind.ECHO_ANSWERED.isRoutine()).isTrue();
    assertThat(Kind.DISCONNECTED.isRoutine()).isFalse();
    assertThat(Kind.REGISTERED.isRoutine()).isFalse();
  }

  static Predicate<AgentEvent> kind(Kind kind) {
    return e -> e.kind() == kind;
  }
}
