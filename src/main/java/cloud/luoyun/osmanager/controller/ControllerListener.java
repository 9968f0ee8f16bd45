package cloud.luoyun.osmanager.controller;

/** Receives the controller's events; called from connection threads, so it must be thread-safe. */
@FunctionalInterface
public interface ControllerListener {
  void onEvent(ControllerEvent event);
}
