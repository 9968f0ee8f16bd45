package cloud.luoyun.osmanager.agent;

import static cloud.luoyun.osmanager.agent.AgentFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.LogCapture;
import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.agent.AgentEvent.Kind;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against the development controller, over real loopback sockets. */
class AgentControllerTest {
  @TempDir Path home;
  AgentFixture fixture;
  final Recorder<AgentEvent> agentEvents = new Recorder<>();
  final Recorder<ControllerEvent> controllerEvents = new Recorder<>();
  DevController controller;
  Agent agent;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new AgentFixture(home);
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void agentAuthenticatesRegistersReportsAndAnswersEchoAndQuery() throws Exception {
    controller = AgentFixture.controller(0, controllerEvents);
    InetSocketAddress address = controller.start();
    agent = fixture.agent(address, agentEvents, Duration.ofMillis(200));
    agent.start();

    controllerEvents.await(kind(ControllerEvent.Kind.AUTHENTICATED), WAIT);
    ControllerEvent registered = controllerEvents.await(kind(ControllerEvent.Kind.REGISTERED), WAIT);
    assertThat(registered.tag()).isEqualTo(AgentFixture.TAG);
    assertThat(registered.detail()).isEqualTo("ip=127.0.0.1");
    ControllerEvent firstReport = controllerEvents.await(kind(ControllerEvent.Kind.REPORT), WAIT);
    assertThat(firstReport.detail()).startsWith("status=2000 ");
    controllerEvents.await(kind(ControllerEvent.Kind.ECHO_OK), WAIT);
    ControllerEvent query = controllerEvents.await(kind(ControllerEvent.Kind.QUERY_OK), WAIT);
    assertThat(query.detail()).matches("reply=\"[0-9]+ 7 [45] 127\\.0\\.0\\.1\"");
    assertThat(agentEvents.await(kind(Kind.REGISTERED), WAIT).detail()).contains("as tag 7 from 127.0.0.1");

    fixture.setExitCode(3);
    ControllerEvent second = controllerEvents.await(kind(ControllerEvent.Kind.REPORT), 2, WAIT);
    assertThat(second.detail()).startsWith("status=2003 ");
    assertThat(controllerEvents.count(kind(ControllerEvent.Kind.BAD_FRAME))).isZero();
  }

  @Test
  void theAgentReportsOnlyWhenTheStatusChanges() throws Exception {
    controller = AgentFixture.controller(0, controllerEvents);
    agent = fixture.agent(controller.start(), agentEvents, Duration.ofMillis(50));
    agent.start();
    controllerEvents.await(kind(ControllerEvent.Kind.REPORT), WAIT);
    fixture.setExitCode(1);
    controllerEvents.await(kind(ControllerEvent.Kind.REPORT), 2, WAIT);
    fixture.awaitScriptRuns(fixture.scriptRuns() + 10, WAIT); // ten more runs, same answer each time
    fixture.awaitScriptRuns(fixture.scriptRuns() + 1, WAIT); // one more: the tenth run was reported or not

    List<String> reports = controllerEvents.all().stream().filter(kind(ControllerEvent.Kind.REPORT))
        .map(e -> e.detail().split(" ")[0]).toList();
    assertThat(reports).containsExactly("status=2000", "status=2001");
  }

  /**
   * At boot the network may not be up: the controller cannot be reached and the multicast group
   * cannot be joined either. The agent must still wait out its back-off between attempts, not
   * spin connecting and logging as fast as the CPU allows.
   */
  @Test
  void connectionAttemptsKeepTheirBackOffWhenDiscoveryCannotListen() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
      closedPort = s.getLocalPort();
    }
    AgentSettings settings = new AgentSettings(AgentFixture.TAG, AgentFixture.KEY.getBytes(StandardCharsets.US_ASCII),
        Optional.of(new InetSocketAddress(loopback, closedPort)),
        new InetSocketAddress(loopback, closedPort), // not a multicast group: joining it fails
        fixture.script, Duration.ofSeconds(60), Duration.ofSeconds(5));
    Duration backoff = Duration.ofMillis(400); // each delay is 0.5..1.5 times this
    Agent.Tuning tuning = new Agent.Tuning(backoff, backoff, Duration.ofSeconds(60), Duration.ofSeconds(2),
        Duration.ofSeconds(2), 1, new Random(42), System::nanoTime);
    List<Long> attempts = new CopyOnWriteArrayList<>();
    agent = new Agent(settings, e -> {
      if (e.kind() == Kind.CONNECTING) {
        attempts.add(System.nanoTime());
      }
      agentEvents.accept(e);
    }, tuning);
    agent.start();

    agentEvents.await(kind(Kind.CONNECTING), 4, WAIT);
    agent.close();

    long least = backoff.dividedBy(2).minusMillis(5).toNanos(); // 5 ms: the pause counts whole ms
    for (int i = 1; i < 4; i++) {
      assertThat(attempts.get(i) - attempts.get(i - 1)).as("gap before attempt %d, in ns", i + 1)
          .isGreaterThanOrEqualTo(least);
    }
  }

  /**
   * Issue 10: a controller that cannot be reached was three info lines per attempt (connecting,
   * unreachable, retrying). Now it is one warning while it lasts (reminders come minutes apart),
   * and one line when the agent is registered again.
   */
  @Test
  void anUnreachableControllerIsOneWarningAndItsReturnOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (LogCapture log = LogCapture.of(Agent.class)) {
      agent = fixture.agent(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), agentEvents,
          Duration.ofSeconds(60));
      agent.start();
      agentEvents.await(kind(Kind.UNREACHABLE), 5, WAIT);
      controller = AgentFixture.restartedOn(port, controllerEvents);
      agentEvents.await(kind(Kind.REGISTERED), WAIT);

      assertThat(log.warnings()).filteredOn(w -> w.contains("unreachable")).singleElement().asString()
          .startsWith("controller unreachable: 127.0.0.1:" + port + ": ");
      assertThat(log.messages()).filteredOn(m -> m.startsWith("registered with")).singleElement().asString()
          .matches("registered with 127\\.0\\.0\\.1:" + port + " as tag 7 from 127\\.0\\.0\\.1, after \\d+ s "
              + "without the controller \\(\\d+ failed attempts\\)");
      assertThat(log.messages()).noneMatch(m -> m.startsWith("connecting") || m.startsWith("retrying"));
    }
    assertThat(agent.controllerState().registeredSince()).isPresent();
    assertThat(agent.controllerState().trouble()).isEmpty();
  }

  /**
   * Issue 11, never half-dead: the agent's thread once died of the unexpected and never came
   * back. An exception that escapes a round of the connection loop (here: the back-off's source of
   * randomness, once, after the first session) now starts the agent over after a pause, and it
   * registers again.
   */
  @Test
  void anUnexpectedExceptionInTheAgentStartsItOverAndItRegistersAgain() throws Exception {
    controller = AgentFixture.controller(0, controllerEvents);
    InetSocketAddress clc = controller.start();
    AtomicBoolean failOnce = new AtomicBoolean(true);
    Random failing = new Random(42) {
      @Override
      public double nextDouble() {
        if (Thread.currentThread().getName().equals("osm-agent") && failOnce.getAndSet(false)) {
          throw new IllegalStateException("a bug in the back-off");
        }
        return super.nextDouble();
      }
    };
    Agent.Tuning tuning = new Agent.Tuning(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(60),
        Duration.ofSeconds(2), Duration.ofSeconds(2), 3, failing, System::nanoTime);
    agent = new Agent(fixture.settings(Optional.of(clc), Duration.ofSeconds(60)), agentEvents::accept, tuning);
    try (LogCapture log = LogCapture.of(Agent.class)) {
      agent.start();
      agentEvents.await(kind(Kind.REGISTERED), WAIT);
      controller.close(); // the session ends; the back-off that follows fails
      controller = AgentFixture.restartedOn(clc.getPort(), controllerEvents);

      agentEvents.await(kind(Kind.REGISTERED), 2, WAIT);
      assertThat(failOnce).isFalse();
      assertThat(agentEvents.all())
          .anyMatch(e -> e.kind() == Kind.RETRYING && e.detail().contains("a bug in the back-off"));
      assertThat(log.messages()).anyMatch(m -> m.contains("the agent failed unexpectedly; starting it over"));
    }
    assertThat(agent.isRegistered()).isTrue();
  }

  @Test
  void anImpostorControllerIsNeverRegisteredWith() throws Exception {
    controller = AgentFixture.controller(0, controllerEvents);
    controller.setMode(DevController.Mode.IMPOSTOR);
    agent = fixture.agent(controller.start(), agentEvents, Duration.ofSeconds(60));
    try (LogCapture log = LogCapture.of(Agent.class)) {
      agent.start();
      agentEvents.await(kind(Kind.CONTROLLER_FAILED_AUTHENTICATION), 3, WAIT);
      assertThat(log.warnings()).as("one warning for three attempts")
          .filteredOn(w -> w.startsWith("controller failed authentication: 127.0.0.1:")).hasSize(1);
    }
    assertThat(agentEvents.count(kind(Kind.CONTROLLER_AUTHENTICATED))).isZero();
    assertThat(agentEvents.count(kind(Kind.REGISTERED))).isZero();
    assertThat(controllerEvents.count(kind(ControllerEvent.Kind.AUTHENTICATED))).isZero();
    assertThat(controllerEvents.count(kind(ControllerEvent.Kind.REGISTERED))).isZero();
    assertThat(controllerEvents.count(kind(ControllerEvent.Kind.REFUSED))).as("no REGISTER was sent").isZero();
  }

  @Test
  void aRefusedRegistrationIsRetriedWithBackOffUntilAccepted() throws Exception {
    controller = AgentFixture.controller(0, controllerEvents);
    controller.setMode(DevController.Mode.REFUSE_REGISTRATION);
    agent = fixture.agent(controller.start(), agentEvents, Duration.ofSeconds(60));
    agent.start();

    agentEvents.await(kind(Kind.REGISTRATION_REFUSED), 3, WAIT);
    controller.setMode(DevController.Mode.NORMAL);
    agentEvents.await(kind(Kind.REGISTERED), WAIT);

    List<AgentEvent> events = agentEvents.all();
    List<AgentEvent> refusedThenRetry = events.stream()
        .filter(e -> e.kind() == Kind.REGISTRATION_REFUSED || e.kind() == Kind.RETRYING).toList();
    assertThat(refusedThenRetry.subList(0, 6)).extracting(AgentEvent::kind).containsExactly(
        Kind.REGISTRATION_REFUSED, Kind.RETRYING, Kind.REGISTRATION_REFUSED, Kind.RETRYING,
        Kind.REGISTRATION_REFUSED, Kind.RETRYING);
    controllerEvents.await(kind(ControllerEvent.Kind.REFUSED), 3, WAIT);
    controllerEvents.await(kind(ControllerEvent.Kind.AUTHENTICATED), 4, WAIT);
  }

  @Test
  void aControllerKilledAndRestartedSeesTheAgentRegisterAndReportAgain() throws Exception {
    controller = AgentFixture.controller(0, controllerEvents);
    InetSocketAddress address = controller.start();
    agent = fixture.agent(address, agentEvents, Duration.ofSeconds(60));
    agent.start();
    controllerEvents.await(kind(ControllerEvent.Kind.REPORT), WAIT);

    controller.close();
    agentEvents.await(kind(Kind.DISCONNECTED), WAIT);
    Recorder<ControllerEvent> restartedEvents = new Recorder<>();
    controller = AgentFixture.restartedOn(address.getPort(), restartedEvents);

    restartedEvents.await(kind(ControllerEvent.Kind.REGISTERED), WAIT);
    assertThat(restartedEvents.await(kind(ControllerEvent.Kind.REPORT), WAIT).detail()).startsWith("status=2000 ");
    agentEvents.await(kind(Kind.REGISTERED), 2, WAIT);
    agentEvents.await(kind(Kind.REPORTED), 2, WAIT); // a report after every registration, same value or not
  }

  @Test
  void aSessionThatLastedResetsTheBackOffAndAShortOneDoesNot() throws Exception {
    assertThat(firstDelayAfterADrop(Duration.ofHours(1))).as("after a long session").isBetween(50L, 150L);
    assertThat(firstDelayAfterADrop(Duration.ZERO)).as("after a short session").isGreaterThanOrEqualTo(400L);
  }

  /**
   * Four refused registrations grow the back-off (base 100, 200, 400, 800 ms); then the agent
   * registers, the fake clock moves on by sessionLength, the controller goes away: the delay
   * before the next attempt is returned.
   */
  private long firstDelayAfterADrop(Duration sessionLength) throws Exception {
    Recorder<AgentEvent> events = new Recorder<>();
    Recorder<ControllerEvent> seen = new Recorder<>();
    AtomicLong nanos = new AtomicLong();
    Agent.Tuning tuning = new Agent.Tuning(Duration.ofMillis(100), Duration.ofMillis(1600), Duration.ofSeconds(60),
        Duration.ofSeconds(2), Duration.ofSeconds(5), 3, new Random(3), nanos::get);
    try (DevController refusing = AgentFixture.controller(0, seen)) {
      refusing.setMode(DevController.Mode.REFUSE_REGISTRATION);
      InetSocketAddress address = refusing.start();
      try (Agent a = new Agent(fixture.settings(Optional.of(address), Duration.ofSeconds(60)), events::accept, tuning)) {
        a.start();
        events.await(kind(Kind.REGISTRATION_REFUSED), 4, WAIT);
        refusing.setMode(DevController.Mode.NORMAL);
        events.await(kind(Kind.REGISTERED), WAIT);
        nanos.addAndGet(sessionLength.toNanos());
        int retriesBefore = (int) events.count(kind(Kind.RETRYING));
        refusing.close();
        AgentEvent retry = events.await(kind(Kind.RETRYING), retriesBefore + 1, WAIT);
        return Long.parseLong(retry.detail().replaceAll("[^0-9]", ""));
      }
    }
  }

  @Test
  void anAgentWithAnUnknownTagIsNotRegistered() throws Exception {
    controller = new DevController(DevController.Options.loopback(
        cloud.luoyun.osmanager.controller.Instances.of(java.util.Map.of(8, "other"))), controllerEvents::accept);
    agent = fixture.agent(controller.start(), agentEvents, Duration.ofSeconds(60));
    agent.start();

    controllerEvents.await(kind(ControllerEvent.Kind.UNKNOWN_TAG), 2, WAIT);
    assertThat(agentEvents.count(kind(Kind.REGISTERED))).isZero();
  }

  @Test
  void closingTheAgentEndsItsConnection() throws Exception {
    controller = AgentFixture.controller(0, controllerEvents);
    agent = fixture.agent(controller.start(), agentEvents, Duration.ofSeconds(60));
    agent.start();
    controllerEvents.await(kind(ControllerEvent.Kind.REGISTERED), WAIT);

    agent.close();

    controllerEvents.await(kind(ControllerEvent.Kind.DISCONNECTED), WAIT);
    assertThat(agentEvents.count(kind(Kind.DISCONNECTED))).as("closing is not reported as a drop").isZero();
  }

  static <E> java.util.function.Predicate<Object> kind(Enum<?> kind) {
    return e -> (e instanceof AgentEvent a && a.kind() == kind) || (e instanceof ControllerEvent c && c.kind() == kind);
  }
}
