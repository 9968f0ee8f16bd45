package cloud.luoyun.osmanager.web;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the page server learns what the agent (the controller connection) is doing, for the
 * owner's {@code /status.json}. The agent implements it when both run in one process
 * ({@code osmanager run}); {@link #UNKNOWN} is used when the page server runs alone.
 *
 * <p>Implementations must be thread-safe and quick: {@link #current()} is called on request threads.
 */
@FunctionalInterface
public interface AgentStatusSource {
  /** The page server runs without an agent in its process: nothing is known. */
  AgentStatusSource UNKNOWN = AgentStatus::unknown;

  AgentStatus current();

  /**
   * A snapshot of the agent's state.
   *
   * @param known        false when there is no agent to ask (the other fields are then empty)
   * @param registered   whether the controller accepted the registration (REGISTER reply 1021)
   *                     and the connection is still up
   * @param lastReport   the application status last reported to the controller (2000 = running,
   *                     2001..2127 = the status script's exit code + 2000, 2128 = unknown);
   *                     empty before the first report
   */
  record AgentStatus(boolean known, Optional<Boolean> registered, OptionalInt lastReport) {
    public static AgentStatus unknown() {
      return new AgentStatus(false, Optional.empty(), OptionalInt.empty());
    }

    public static AgentStatus of(boolean registered, OptionalInt lastReport) {
      return new AgentStatus(true, Optional.of(registered), lastReport);
    }
  }
}
