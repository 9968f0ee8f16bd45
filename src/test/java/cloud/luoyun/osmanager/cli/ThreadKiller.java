package cloud.luoyun.osmanager.cli;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A fault for tests: kills a named thread of another JVM, as a bug would (the thread dies of an
 * error it did not expect). Loaded into the target through the attach API as an agent whose class
 * is on the target's class path (tests start osmanager from the test class path).
 */
public final class ThreadKiller {
  private ThreadKiller() {}

  /** Kills the thread named {@code threadName} in the JVM {@code pid}. */
  static void kill(long pid, String threadName, Path workDir) throws Exception {
    Path jar = agentJar(workDir);
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    try {
      vm.loadAgent(jar.toString(), threadName);
    } finally {
      vm.detach();
    }
  }

  private static Path agentJar(Path dir) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Agent-Class"), ThreadKiller.class.getName());
    Path jar = dir.resolve("thread-killer.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
      // the manifest is all: the class itself comes from the target's class path
    }
    return jar;
  }

  /**
   * Runs in the target JVM. The kill comes a moment after this returns, so that the attach call
   * has its answer before the target (if it is right to) ends.
   */
  @SuppressWarnings("removal")
  public static void agentmain(String threadName) {
    Thread target = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(threadName))
        .findFirst().orElseThrow(() -> new AssertionError("no thread named " + threadName));
    Thread killer = new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
      target.stop(); // ThreadDeath, thrown wherever the thread is: a thread that dies of the unexpected
    }, "test-thread-killer");
    killer.setDaemon(true);
    killer.start();
  }
}
