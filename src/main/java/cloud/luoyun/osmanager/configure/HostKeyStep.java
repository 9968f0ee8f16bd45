package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.OwnTemps;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A new instance (its TAG or instance id differs from the last one applied, as {@link
 * InstanceState} remembers it in the home's {@code state/}) gets fresh SSH host keys: clones of one
 * appliance image must not share them. The same instance (a reboot): nothing to do.
 *
 * <p>The keys stay a set sshd starts with through a power cut, a full disk or a failing
 * ssh-keygen. The new keys are made beside the old ones, in a temp folder inside etc/ssh (the
 * same file system), with {@code ssh-keygen -t TYPE} for each of {@link #TYPES} (what
 * {@code ssh-keygen -A} makes); each pair is checked ({@code ssh-keygen -y} must derive its .pub
 * from its private key) and fsynced. Until then nothing in etc/ssh has changed, so a full disk
 * or a failure leaves the old set as it was. Then one type at a time: the old private key is
 * deleted, the new .pub renamed into place, then the new private key; types the old set lacks
 * first, and old keys of other types (dsa: shared by clones as well) last, private key before
 * .pub. So at every instant
 * <ul>
 * <li>every private key has the .pub it matches: each pair is old or new, never one of each;
 * <li>every type that had a pair has one, but for the one being replaced, whose private key is
 *     missing for a moment (its .pub alone; sshd skips a type without its private key),
 * </ul>
 * and sshd starts with at least two of the three types. The instance is recorded
 * ({@link Context#recordInstance}) only when the whole new set is in place: a cut anywhere before
 * means the next boot makes the keys again, and removes the temp folder the cut left
 * ({@link OwnTemps}).
 */
final class HostKeyStep implements Step {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final List<String> TYPES = List.of("rsa", "ecdsa", "ed25519");

  @Override
  public String name() {
    return "host-keys";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    InstanceState.Applied now = InstanceState.Applied.of(c.spec);
    if (!c.newInstance()) {
      return unchanged(c, "same instance (" + now.label() + ")");
    }
    String why = "new instance (" + now.label() + ", last applied " + lastLabel(c) + ")";
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
    Path staging = OwnTemps.claim(sshDir.resolve("ssh_host_keys"));
    int replaced;
    try {
      Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(SysFiles.RWX_OWNER));
      Optional<String> problem = make(c, staging);
      if (problem.isPresent()) {
        return failed(c, why + ": " + problem.get() + "; the old host keys are kept");
      }
      replaced = moveIntoPlace(staging, sshDir);
    } finally {
      OwnTemps.remove(staging);
    }
    c.recordInstance();
    return changed(c, why + ": " + replaced + " old host key(s) replaced by " + TYPES.size() + " new");
  }

  /** Makes a checked, fsynced pair of every type in {@code staging}; empty when all went well. */
  private static Optional<String> make(Context c, Path staging) throws IOException, InterruptedException {
    for (String type : TYPES) {
      Path key = staging.resolve(keyName(type));
      Path pub = pubOf(key);
      Processes.Result r = c.runner.run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString()),
          TIMEOUT, Map.of());
      if (!r.ok()) {
        return Optional.of("ssh-keygen -t " + type + " " + failure(r));
      }
      Optional<String> mismatch = mismatch(c, key, pub);
      if (mismatch.isPresent()) {
        return Optional.of("the new " + type + " key " + mismatch.get());
      }
      AtomicFile.fsync(key);
      AtomicFile.fsync(pub);
    }
    AtomicFile.fsyncDirectory(staging);
    return Optional.empty();
  }

  /**
   * What is wrong with a pair, if anything: the public key {@code ssh-keygen -y} derives from the
   * private key, as sshd would load it, must be the one in the .pub (a full disk can leave an
   * empty .pub beside a good private key; {@code ssh-keygen -A} even exits 0 after that).
   */
  private static Optional<String> mismatch(Context c, Path key, Path pub) throws IOException, InterruptedException {
    Processes.Result derived = c.runner.run(List.of("ssh-keygen", "-y", "-f", key.toString()), TIMEOUT, Map.of());
    if (!derived.ok()) {
      return Optional.of("cannot be read: ssh-keygen -y " + failure(derived));
    }
    String stored = Files.isRegularFile(pub) ? keyOnly(Files.readString(pub, StandardCharsets.US_ASCII)) : "";
    boolean same = !stored.isEmpty() && derived.output().lines().map(HostKeyStep::keyOnly).anyMatch(stored::equals);
    return same ? Optional.empty() : Optional.of("does not match its .pub");
  }

  /**
   * Moves the pairs made in {@code staging} into {@code sshDir} in the order the class comment
   * gives, then removes old keys of other types.
   *
   * @return how many old private keys were replaced or removed
   */
  private static int moveIntoPlace(Path staging, Path sshDir) throws IOException {
    int old = 0;
    List<String> order = new ArrayList<>(TYPES);
    order.sort(Comparator.comparing(type -> SysFiles.exists(sshDir.resolve(keyName(type))))); // absent first
    for (String type : order) {
      Path key = sshDir.resolve(keyName(type));
      if (Files.deleteIfExists(key)) { // a link goes, not what it names
        old++;
      }
      AtomicFile.moveInto(pubOf(staging.resolve(keyName(type))), pubOf(key));
      AtomicFile.moveInto(staging.resolve(keyName(type)), key);
    }
    for (Path other : otherTypes(sshDir, "ssh_host_*_key")) {
      Files.delete(other);
      old++;
    }
    for (Path other : otherTypes(sshDir, "ssh_host_*_key.pub")) {
      Files.delete(other);
    }
    AtomicFile.fsyncDirectory(sshDir);
    return old;
  }

  private static List<Path> otherTypes(Path sshDir, String glob) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(sshDir, glob)) {
      for (Path p : all) {
        String name = p.getFileName().toString();
        if (TYPES.stream().noneMatch(t -> name.equals(keyName(t)) || name.equals(keyName(t) + ".pub"))) {
          found.add(p);
        }
      }
    }
    return found;
  }

  private static String keyName(String type) {
    return "ssh_host_" + type + "_key";
  }

  private static Path pubOf(Path key) {
    return key.resolveSibling(key.getFileName() + ".pub");
  }

  /** "ssh-ed25519 AAAA...": a public key line without its comment. */
  private static String keyOnly(String line) {
    String[] f = line.strip().split("\\s+", 3);
    return f.length >= 2 ? f[0] + " " + f[1] : "";
  }

  private static String failure(Processes.Result r) {
    return r.timedOut() ? "timed out" : "exit " + r.exitCode() + ": " + r.output().strip();
  }

  /** The last instance as 0.2.0 said it ("7", "none") for LuoYun after LuoYun, else with its source. */
  private static String lastLabel(Context c) throws IOException {
    Optional<InstanceState.Applied> last = c.lastInstance();
    if (last.isEmpty()) {
      return "none";
    }
    return last.get().source() == c.spec.source() && c.spec.source() == InstanceSpec.Source.LUOYUN
        ? last.get().instanceId() : last.get().label();
  }
}
