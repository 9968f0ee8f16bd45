package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.agent.AgentEvent.Kind;
import cloud.luoyun.osmanager.util.HumanTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's link to its controller as people follow it: in the log, and in
 * {@code osmanager status} ({@link #snapshot}, a {@link ControllerState}).
 *
 * <p>What is logged, and at which level, so that thousands of instances waiting for a controller do
 * not fill their journals, and {@code journalctl -p warning} still shows that they wait:
 * <ul>
 *   <li>the controller's routine traffic and each attempt's steps (connecting, retrying, listening
 *       for JOIN beacons again): debug;</li>
 *   <li>trouble (the controller unreachable, the connection lost, registration refused, an
 *       impostor, a protocol error, no way to listen for beacons): one warning when it starts, and
 *       one for each other kind of trouble while it lasts; then, while it lasts, a short reminder
 *       after {@link #FIRST_REMINDERS} and hourly after that;</li>
 *   <li>registered (again): one info line, saying how long the agent was without.</li>
 * </ul>
 * Reminders come with the agent's own attempts (at least one a minute: the back-off's cap), not
 * from a timer of their own; an agent that only listens for beacons is reminded of nothing.
 *
 * <p>Thread-safe: the connection thread and the status thread both report here.
 */
final class ControllerLink {
  /** When trouble is reminded of, counted from its start; then every {@link #LATER_REMINDERS}. */
  static final Duration[] FIRST_REMINDERS = {Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
      Duration.ofMinutes(60)};
  static final Duration LATER_REMINDERS = Duration.ofHours(1);
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final LongSupplier nanoClock;
  private final Clock wallClock;
  // all guarded by this
  private String controller;
  private Instant registeredSince;
  private Integer lastReport;
  private Instant lastReportAt;
  private String trouble; // non-null while there is trouble
  private long troubleStart; // nanoClock
  private Instant troubleSince;
  private int attempts;
  private int remindersGiven;
  private final Set<Kind> warned = EnumSet.noneOf(Kind.class);
  private boolean warnedDiscovery;
  private boolean saidDiscovering;

  ControllerLink(LongSupplier nanoClock, Clock wallClock) {
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
  }

  /** Logs {@code event} by the rules above and keeps what it changes. */
  synchronized void onEvent(AgentEvent event) {
    switch (event.kind()) {
      case CONNECTING -> {
        controller = event.detail();
        log.debug("{}", event.line());
      }
      case REGISTERED -> registered(event);
      case DISCOVERED -> log.info("{}", event.line());
      case APPLICATION_STATUS -> log.info("application status {}", event.detail());
      case DISCOVERING -> discovering(event);
      case UNREACHABLE -> trouble(event.kind(), "controller unreachable: " + event.detail());
      case DISCONNECTED -> trouble(event.kind(), "connection to the controller lost: " + event.detail());
      case REGISTRATION_REFUSED -> trouble(event.kind(), "registration refused: " + event.detail());
      case CONTROLLER_FAILED_AUTHENTICATION -> trouble(event.kind(), "controller failed authentication: "
          + event.detail() + " could not decrypt our challenge; not registering with it");
      case PROTOCOL_ERROR -> trouble(event.kind(), "protocol error: " + event.detail());
      default -> log.debug("{}", event.line()); // routine traffic, authenticated, reported, retrying
    }
  }

  /** The agent cannot listen for JOIN beacons (at boot: no multicast route yet). */
  synchronized void discoveryFailed(String what) {
    String line = "cannot listen for JOIN beacons: " + what;
    if (warnedDiscovery) {
      log.debug("{}", line);
    } else {
      warnedDiscovery = true;
      begin(line);
      log.warn("{}", line);
    }
  }

  /** A REPORT of {@code status} reached the controller. */
  synchronized void reported(int status) {
    lastReport = status;
    lastReportAt = wallClock.instant();
  }

  synchronized ControllerState snapshot(boolean registeredNow) {
    return new ControllerState(Optional.ofNullable(controller), registeredNow,
        registeredNow ? Optional.ofNullable(registeredSince) : Optional.empty(),
        lastReport == null ? OptionalInt.empty() : OptionalInt.of(lastReport), Optional.ofNullable(lastReportAt),
        registeredNow ? Optional.empty() : Optional.ofNullable(troubleSince),
        registeredNow ? Optional.empty() : Optional.ofNullable(trouble));
  }

  private void registered(AgentEvent event) {
    registeredSince = wallClock.instant();
    saidDiscovering = false;
    if (trouble == null) {
      log.info("{}", event.line());
      return;
    }
    log.info("{}, after {} without the controller ({})", event.line(),
        HumanTime.span(Duration.ofNanos(nanoClock.getAsLong() - troubleStart)), failedAttempts());
    trouble = null;
    troubleSince = null;
    warned.clear();
    warnedDiscovery = false;
  }

  private void discovering(AgentEvent event) {
    if (trouble == null && !saidDiscovering) {
      saidDiscovering = true; // no controller configured: said once, until registered
      log.info("{}", event.line());
    } else {
      log.debug("{}", event.line());
    }
  }

  private void trouble(Kind kind, String line) {
    registeredSince = null;
    begin(line);
    attempts++;
    if (warned.add(kind)) {
      log.warn("{}; retrying", line);
      return;
    }
    Duration lasted = Duration.ofNanos(nanoClock.getAsLong() - troubleStart);
    if (lasted.compareTo(nextReminder()) >= 0) {
      remindersGiven++;
      log.warn("still not registered after {} ({}); latest: {}", HumanTime.span(lasted), failedAttempts(), line);
    } else {
      log.debug("{}", line);
    }
  }

  /** Starts a spell of trouble unless one is under way; {@code line} is its latest word. */
  private void begin(String line) {
    if (trouble == null) {
      troubleStart = nanoClock.getAsLong();
      troubleSince = wallClock.instant();
      attempts = 0;
      remindersGiven = 0;
    }
    trouble = line;
  }

  private Duration nextReminder() {
    if (remindersGiven < FIRST_REMINDERS.length) {
      return FIRST_REMINDERS[remindersGiven];
    }
    Duration last = FIRST_REMINDERS[FIRST_REMINDERS.length - 1];
    return last.plus(LATER_REMINDERS.multipliedBy(remindersGiven - FIRST_REMINDERS.length + 1));
  }

  private String failedAttempts() {
    return attempts == 1 ? "1 failed attempt" : attempts + " failed attempts";
  }
}
