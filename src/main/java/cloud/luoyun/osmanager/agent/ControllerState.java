package cloud.luoyun.osmanager.agent;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the agent knows of its controller at one moment, for {@code osmanager status}; the times
 * are wall-clock times. Holds no secret.
 *
 * @param controller the address of the latest attempt's controller ({@code 10.0.0.1:1369}), empty
 *     before the first
 * @param registered whether a controller has accepted this agent and the connection is up
 * @param registeredSince when the current registration began; empty while not registered
 * @param lastReport the application status last reported to a controller, and when
 * @param troubleSince since when something keeps the agent from being registered, and what (the
 *     latest word); both empty while registered and before any trouble
 */
public record ControllerState(Optional<String> controller, boolean registered, Optional<Instant> registeredSince,
    OptionalInt lastReport, Optional<Instant> lastReportAt, Optional<Instant> troubleSince, Optional<String> trouble) {}
