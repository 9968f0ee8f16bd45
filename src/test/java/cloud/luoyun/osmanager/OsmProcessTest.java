package cloud.luoyun.osmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test helper itself: SIGTERM goes to the program, not to something it happens to start. */
class OsmProcessTest {

  /**
   * A JVM that is starting a child at that moment has a forked copy of itself, still named java
   * until it execs: taking "the first java descendant" then signals that copy, and the program
   * under test never sees its SIGTERM. Here sleep stands in for java: a sleep that has a sleep child.
   */
  @Test
  void theSignalGoesToTheProgramItselfWhenADescendantHasTheSameName() throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "sleep 300 & exec sleep 301").start();
    try {
      ProcessHandle root = p.toHandle();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while ((root.children().noneMatch(c -> OsmProcess.isCommand(c, "/sleep"))
          || !OsmProcess.isCommand(root, "/sleep")) && System.nanoTime() < deadline) {
        Thread.sleep(10); // until sh has started its child and exec'd itself
      }

      assertThat(OsmProcess.signalTarget(root, "/sleep")).isEqualTo(root);
    } finally {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theSignalGoesToTheProgramAWrapperStarted() throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "sleep 302; true").start();
    try {
      ProcessHandle root = p.toHandle();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (root.children().noneMatch(c -> OsmProcess.isCommand(c, "/sleep")) && System.nanoTime() < deadline) {
        Thread.sleep(10); // until the child has exec'd sleep
      }

      ProcessHandle target = OsmProcess.signalTarget(root, "/sleep");
      assertThat(target).isNotEqualTo(root);
      assertThat(target.parent()).contains(root);
    } finally {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
