package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A new instance (its TAG differs from the last one applied, remembered in the home's
 * {@code state/applied-tag}) gets fresh SSH host keys: clones of one appliance image must not share
 * them. The old keys are removed and {@code ssh-keygen -A -f ROOT} makes every default type anew.
 * Same TAG (a reboot): nothing to do.
 */
final class HostKeyStep implements Step {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String name() {
    return "host-keys";
  }

  static Path stateFile(Context c) {
    return c.home().stateDir().resolve("applied-tag");
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    int tag = c.config.tag();
    Path state = stateFile(c);
    Optional<String> last = SysFiles.exists(state)
        ? Optional.of(Files.readString(state, StandardCharsets.US_ASCII).strip()) : Optional.empty();
    if (last.isPresent() && last.get().equals(Integer.toString(tag))) {
      return unchanged(c, "same instance (TAG " + tag + ")");
    }
    String why = "new instance (TAG " + tag + ", last applied " + last.orElse("none") + ")";
    Path sshDir = c.sys("etc/ssh");
    if (!Files.isDirectory(sshDir)) {
      return skipped(c, why + ": no " + SysFiles.rel(c, sshDir) + ", OpenSSH server not installed");
    }
    try {
      c.writableDir("etc/ssh");
    } catch (IOException e) {
      return failed(c, why + ": " + e.getMessage());
    }
    if (c.dryRun()) {
      SysFiles.checkWritable(sshDir.resolve("ssh_host_ed25519_key"));
      return changed(c, why + ": would regenerate the SSH host keys in " + SysFiles.rel(c, sshDir));
    }
    int removed = 0;
    try (DirectoryStream<Path> old = Files.newDirectoryStream(sshDir, "ssh_host_*_key{,.pub}")) {
      for (Path p : old) {
        Files.delete(p);
        removed++;
      }
    }
    Processes.Result r = c.runner.run(List.of("ssh-keygen", "-A", "-f", c.options.root().toString()), TIMEOUT, Map.of());
    if (!r.ok()) {
      return failed(c, why + ": ssh-keygen -A " + (r.timedOut() ? "timed out" : "exit " + r.exitCode() + ": "
          + r.output().strip()));
    }
    remember(c, tag);
    return changed(c, why + ": " + removed / 2 + " old host key(s) replaced by " + count(sshDir) + " new");
  }

  private static long count(Path sshDir) throws IOException {
    try (DirectoryStream<Path> keys = Files.newDirectoryStream(sshDir, "ssh_host_*_key")) {
      long n = 0;
      for (Path ignored : keys) {
        n++;
      }
      return n;
    }
  }

  private static void remember(Context c, int tag) throws IOException {
    Files.createDirectories(c.home().stateDir());
    AtomicFile.write(stateFile(c), (tag + "\n").getBytes(StandardCharsets.US_ASCII), SysFiles.PUBLIC_FILE);
  }
}
