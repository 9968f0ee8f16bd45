package cloud.luoyun.osmanager.agent;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Decides, for one registered session, when to ask the controller for an ECHO and when to give it
 * up (SPEC §4.2 step 7). TCP keepalive cannot do this alone: Linux sends no keepalive probe while
 * data is unacknowledged, so a REPORT written just before the controller's host vanished leaves
 * the socket retransmitting for about 15 minutes. An ECHO request is data too, but its missing
 * reply is noticed here, on our own deadline.
 *
 * <p>The rule, applied on each tick of the agent's status thread: when nothing has been heard
 * from the controller for at least {@code quiet}, send an ECHO request with fresh random bytes;
 * when {@code timeout} passes without an ECHO reply carrying exactly those bytes, the controller
 * is gone. Only the matching reply answers a check: other frames show the host is there, and so
 * postpone the next check, but not that the controller still serves us.
 *
 * <p>All times come from the injected monotonic clock (nanoseconds). Thread-safe: the session
 * thread reports what it hears, the status thread ticks.
 */
final class Liveness {
  /** Bytes of an ECHO request: enough that a stale or made-up reply never matches by chance. */
  static final int ECHO_LENGTH = 16;

  private final LongSupplier nanoClock;
  private final Random random;
  private final long quietNanos;
  private final long timeoutNanos;

  private long lastHeard; // guarded by this
  private byte[] pending; // guarded by this; the outstanding check's bytes, null when none
  private long pendingSince; // guarded by this

  Liveness(LongSupplier nanoClock, Random random, Duration quiet, Duration timeout) {
    this.nanoClock = nanoClock;
    this.random = random;
    this.quietNanos = quiet.toNanos();
    this.timeoutNanos = timeout.toNanos();
    this.lastHeard = nanoClock.getAsLong();
  }

  /** A frame that shows the controller's host is there (a request of its own, say). */
  synchronized void heard() {
    lastHeard = nanoClock.getAsLong();
  }

  /**
   * An ECHO reply arrived: true when it answers the outstanding check, which it then closes. A
   * reply with other bytes, or with no check outstanding, answers nothing.
   */
  synchronized boolean answers(byte[] echoReplyBody) {
    if (pending == null || !Arrays.equals(pending, echoReplyBody)) {
      return false;
    }
    pending = null;
    lastHeard = nanoClock.getAsLong();
    return true;
  }

  /**
   * The bytes of a new ECHO request when the controller has been quiet long enough and no check is
   * outstanding; null otherwise. The caller sends them.
   */
  synchronized byte[] startCheckIfQuiet() {
    long now = nanoClock.getAsLong();
    if (pending != null || now - lastHeard < quietNanos) {
      return null;
    }
    pending = new byte[ECHO_LENGTH];
    random.nextBytes(pending);
    pendingSince = now;
    return pending.clone();
  }

  /** Whether a check has gone unanswered for the whole timeout. */
  synchronized boolean isOverdue() {
    return pending != null && nanoClock.getAsLong() - pendingSince >= timeoutNanos;
  }
}
