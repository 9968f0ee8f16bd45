package cloud.luoyun.osmanager.agent;

/**
 * One thing that happened to the agent, as one line for people ({@link #line()}). Carries no KEY
 * and no challenge.
 */
public record AgentEvent(Kind kind, String detail) {

  public enum Kind {
    CONNECTING,
    UNREACHABLE,
    CONTROLLER_AUTHENTICATED,
    CONTROLLER_FAILED_AUTHENTICATION,
    REGISTERED,
    REGISTRATION_REFUSED,
    REPORTED,
    ECHO_ANSWERED,
    QUERY_ANSWERED,
    /** The agent asked a quiet controller for an ECHO, to learn whether it is still there. */
    ECHO_SENT,
    /** The controller returned the agent's ECHO with the same bytes: it is still there. */
    ECHO_RETURNED,
    PROTOCOL_ERROR,
    DISCONNECTED,
    DISCOVERING,
    DISCOVERED,
    RETRYING,
    /** The status script's answer changed (the detail is the new value), registered or not. */
    APPLICATION_STATUS;

    /**
     * Whether this is routine traffic that changes nothing: the controller's ECHO and QUERY
     * requests answered, the agent's own ECHO checks. Logged at debug level; a listener that
     * records state changes can skip these.
     */
    public boolean isRoutine() {
      return this == ECHO_ANSWERED || this == QUERY_ANSWERED || this == ECHO_SENT || this == ECHO_RETURNED;
    }

    /** "controller-failed-authentication" for CONTROLLER_FAILED_AUTHENTICATION. */
    public String label() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  public String line() {
    return detail.isEmpty() ? kind.label() : kind.label() + " " + detail;
  }

  @Override
  public String toString() {
    return line();
  }
}
