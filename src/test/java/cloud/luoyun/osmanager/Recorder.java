package cloud.luoyun.osmanager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Collects events from other threads; tests wait for the one they expect, or fail listing all. */
public final class Recorder<E> implements Consumer<E> {
  private final List<E> events = new ArrayList<>();

  @Override
  public synchronized void accept(E event) {
    events.add(event);
    notifyAll();
  }

  public synchronized List<E> all() {
    return List.copyOf(events);
  }

  public synchronized long count(Predicate<? super E> which) {
    return events.stream().filter(which).count();
  }

  /** Waits until at least n events match; returns the n-th one. */
  public synchronized E await(Predicate<? super E> which, int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<E> matching = events.stream().filter(which).limit(n).toList();
      if (matching.size() >= n) {
        return matching.get(n - 1);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("waited " + timeout.toMillis() + " ms for event #" + n + "; saw:\n  "
            + String.join("\n  ", events.stream().map(String::valueOf).toList()));
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  public E await(Predicate<? super E> which, Duration timeout) throws InterruptedException {
    return await(which, 1, timeout);
  }
}
