package cloud.luoyun.osmanager.agent;

/** Receives the agent's events; called from the agent's threads, so it must be thread-safe. */
@FunctionalInterface
public interface AgentListener {
  AgentListener NONE = event -> { };

  void onEvent(AgentEvent event);
}
