package cloud.luoyun.osmanager.agent;

/**
 * How a connection to a controller ended, classified once so the agent decides in one place what
 * to do next ({@link #isRecoverable()}).
 */
enum SessionEnd {
  /** Could not connect at all. */
  UNREACHABLE,
  /** The peer could not decrypt our challenge: whoever listens there is not our controller. */
  IMPOSTOR,
  /** The controller authenticated but answered REGISTER with 1022 (or something else). */
  REFUSED,
  /** The peer sent something the protocol does not allow (bad length, wrong frame, bad body). */
  PROTOCOL_ERROR,
  /** The connection closed, reset or went silent. */
  DROPPED,
  /** We closed it: the agent is stopping. */
  CLOSED;

  /**
   * Whether trying the same address again (after the back-off) may help. When it may not, a
   * discovered address is forgotten and the agent looks for JOIN beacons again.
   */
  boolean isRecoverable() {
    switch (this) {
      case DROPPED: // a controller restart or a network blip: it comes back at the same address
      case REFUSED: // the controller is ours but does not know this tag yet (the cloud may add it)
      case PROTOCOL_ERROR: // a confused controller may recover; back-off keeps us from hammering it
        return true;
      case UNREACHABLE: // nobody there: after a few tries, listen for JOIN beacons too
      case IMPOSTOR: // never authenticate to it again without a reason: look for the real one
      case CLOSED:
      default:
        return false;
    }
  }
}
