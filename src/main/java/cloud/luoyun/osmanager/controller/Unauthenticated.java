package cloud.luoyun.osmanager.controller;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connections that have not proved they know an instance's KEY yet, oldest first. Idle or
 * trickling connections must not keep real agents out, and an agent's handshake takes a few
 * round trips, so: each is closed at its deadline, however many bytes it sends; and at most
 * {@code limit} are open at once — one more closes the oldest, so that a new agent always gets
 * its turn and only a flood faster than agents complete their handshakes could crowd one out.
 * No per-address cap: in tests, demos and behind NAT every agent comes from one address.
 *
 * <p>Thread-safe. Closing a connection here only closes its socket; its own thread then ends it.
 */
final class Unauthenticated {
  private final int limit;
  private final Duration deadline;
  private final ScheduledExecutorService timer;
  private final Map<ControllerConnection, ScheduledFuture<?>> open = new LinkedHashMap<>();

  Unauthenticated(int limit, Duration deadline, ScheduledExecutorService timer) {
    this.limit = limit;
    this.deadline = deadline;
    this.timer = timer;
  }

  /** A new connection: its deadline starts now; the oldest goes when there are {@code limit} already. */
  synchronized void admit(ControllerConnection c) {
    while (open.size() >= limit) {
      Iterator<Map.Entry<ControllerConnection, ScheduledFuture<?>>> oldest = open.entrySet().iterator();
      Map.Entry<ControllerConnection, ScheduledFuture<?>> e = oldest.next();
      oldest.remove();
      e.getValue().cancel(false);
      e.getKey().closeFor("closed unauthenticated to make room: " + limit + " connections were in their handshake");
    }
    open.put(c, timer.schedule(() -> expire(c), deadline.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** {@code c} authenticated, or ended: it no longer counts and has no deadline. */
  synchronized void leave(ControllerConnection c) {
    ScheduledFuture<?> f = open.remove(c);
    if (f != null) {
      f.cancel(false);
    }
  }

  synchronized int size() {
    return open.size();
  }

  private synchronized void expire(ControllerConnection c) {
    if (open.remove(c) != null) {
      c.closeFor("handshake not done within " + deadline.toMillis() + " ms");
    }
  }
}
