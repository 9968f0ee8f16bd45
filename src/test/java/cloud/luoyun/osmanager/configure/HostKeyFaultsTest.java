package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 11: SSH host keys through a power cut and a full disk, with the real ssh-keygen and sshd.
 *
 * <p>A power cut is SIGKILL to configure's whole process group (the JVM and the ssh-keygen it
 * runs) at a random moment of the host-keys step, in a child JVM under strace, which delays every
 * call that changes a folder or syncs a file by {@value #DELAY_MICROS} µs so that random moments
 * fall between them. Half the cuts fall while the new keys are made, half after the first key
 * was moved into place. After every cut the keys must be a set sshd starts with: every private
 * key matches its .pub ({@code ssh-keygen -y}), at least two of the three types are complete (one
 * type at a time is replaced), {@code sshd -t} loads them; and once state/applied-tag names the
 * new TAG, all three are new. A cut before that leaves the TAG unapplied, so the next boot (the
 * next run, same floppy) makes them again.
 */
class HostKeyFaultsTest {
  static final int RUNS = 30;
  static final long DELAY_MICROS = 40_000;
  static final String FILE_CALLS = "rename,renameat,renameat2,unlink,unlinkat,rmdir,mkdir,mkdirat,fsync,fdatasync";
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  ImageTree tree;
  Path sshDir;
  Path ini;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (sshd -t, mount namespaces)");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "needs openssh-server");
    tree = new ImageTree(tmp);
    sshDir = tree.sys("etc/ssh");
    ini = tmp.resolve("luoyun.ini");
  }

  void floppy(int tag) throws IOException {
    Files.writeString(ini, "CLC_IP=127.0.0.1\nCLC_PORT=1369\nTAG=" + tag + "\nKEY=k\nJSON={}\n");
  }

  String appliedTag() throws IOException {
    Path state = tree.home.stateDir().resolve("applied-tag");
    return Files.exists(state) ? Files.readString(state, StandardCharsets.US_ASCII).strip() : "none";
  }

  /** What one run of configure did, seen from outside, in ms after the host-keys step began. */
  record Run(boolean killed, long killedAt, long firstChangeAt, long endAt, String phase) {}

  enum Cut { NONE, WHILE_MAKING, WHILE_MOVING }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // a hang is the bug; never a timing assertion
  void aPowerCutAnywhereInTheStepLeavesASetSshdStartsWithAndTheNextBootMakesThemAnew() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace"))
        && Processes.run(List.of("strace", "-f", "-qq", "-o", "/dev/null", "--", "true"), WAIT).ok(),
        "needs strace, allowed to trace (ptrace) here");
    long seed = Long.getLong("osm.powercut.seed", 20261201L);
    Random random = new Random(seed);
    int tag = 100;
    floppy(tag);
    run(Cut.NONE, 0);
    floppy(++tag);
    Run calibration = run(Cut.NONE, 0);
    assertThat(appliedTag()).isEqualTo(Integer.toString(tag));
    long making = Math.max(1, calibration.firstChangeAt());
    long moving = Math.max(1, calibration.endAt() - calibration.firstChangeAt());
    System.out.printf("[power-cut] seed %d; uncut step: %d ms making keys, %d ms moving them%n", seed, making, moving);

    Set<String> beforeTag = new HashSet<>(HostKeySet.of(sshDir).matching.values());
    floppy(++tag);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < RUNS; i++) {
      Cut cut = i % 2 == 0 ? Cut.WHILE_MAKING : Cut.WHILE_MOVING;
      long delay = (long) (random.nextDouble() * 1.1 * (cut == Cut.WHILE_MAKING ? making : moving));
      Set<String> beforeRun = new HashSet<>(HostKeySet.of(sshDir).matching.values());
      Run r = run(cut, delay);
      HostKeySet keys = HostKeySet.of(sshDir);
      String where = "run " + i + " (" + cut + ", killed " + (r.killed() ? r.killedAt() + " ms into the step" : "never")
          + "): " + keys;
      assertThat(keys.problems).as(where).isEmpty();
      assertThat(keys.matching).as(where).hasSizeGreaterThanOrEqualTo(2);
      assertThat(keys.sshdStarts()).as(where + ": sshd -t").isTrue();
      long replaced = keys.matching.values().stream().filter(k -> !beforeRun.contains(k)).count();
      String outcome;
      if (appliedTag().equals(Integer.toString(tag))) {
        assertComplete(keys, beforeTag, where);
        outcome = r.killed() ? "cut after the TAG was applied" : "done before the cut";
        beforeTag = new HashSet<>(keys.matching.values());
        floppy(++tag);
      } else {
        outcome = r.phase().equals("making") ? "cut while making keys"
            : "cut while moving, " + replaced + " of 3 pairs new, " + keys.matching.size() + " complete";
      }
      System.out.println("[power-cut] " + where + " -> " + outcome);
      outcomes.merge(outcome, 1, Integer::sum);
    }
    Run last = run(Cut.NONE, 0); // the next boot, same floppy
    assertThat(appliedTag()).isEqualTo(Integer.toString(tag));
    assertComplete(HostKeySet.of(sshDir), beforeTag, "after the last cut, the next boot");
    assertThat(last.killed()).isFalse();
    System.out.println("[power-cut] FIGURE " + RUNS + " cuts, every one left a matching set sshd starts with: "
        + outcomes);
  }

  private void assertComplete(HostKeySet keys, Set<String> beforeTag, String where) throws IOException {
    assertThat(keys.matching.keySet()).as(where).containsExactlyElementsOf(HostKeySet.TYPES.stream().sorted().toList());
    assertThat(keys.matching.values()).as(where + ": all new for the TAG").doesNotContainAnyElementsOf(beforeTag);
    assertThat(ours(sshDir)).as(where + ": temp files and folders left").isEmpty();
  }

  /**
   * configure with the floppy in a child JVM under strace, in a process group of its own; cut
   * (SIGKILL to the group) {@code delay} ms after the step began or after the first key file in
   * etc/ssh changed.
   */
  private Run run(Cut cut, long delay) throws Exception {
    Map<String, Object> before = entries(sshDir);
    List<String> prefix = List.of("setsid", "--wait", "--", "strace", "-f", "--seccomp-bpf", "-qq", "-o", "/dev/null",
        "-e", "trace=" + FILE_CALLS, "-e", "inject=" + FILE_CALLS + ":delay_enter=" + DELAY_MICROS, "--");
    try (OsmProcess p = OsmProcess.start(prefix, "configure", "--root", tree.root.toString(),
        "--home", tree.home.dir().toString(), "--source", ini.toString())) {
      p.lines.await(l -> l.startsWith("nameservers:"), 1, WAIT);
      long start = System.nanoTime();
      long firstChange = -1;
      long killedAt = -1;
      String phase = "making";
      while (true) {
        long now = ms(start);
        boolean ended = p.lines.count(l -> l.startsWith("host-keys:")) > 0;
        if (firstChange < 0 && (ended || !entries(sshDir).equals(before))) {
          firstChange = now;
          phase = "moving";
        }
        if (ended) {
          break;
        }
        boolean due = cut == Cut.WHILE_MAKING ? now >= delay : cut == Cut.WHILE_MOVING && firstChange >= 0
            && now - firstChange >= delay;
        if (due) {
          Processes.killGroup(p.pid());
          killedAt = now;
          break;
        }
        Thread.sleep(1);
      }
      long end = ms(start);
      if (killedAt < 0) {
        p.exitStatus(WAIT); // other steps may fail in this bare tree; this one may not
        assertThat(p.lines.all()).as(String.join("\n", p.lines.all()))
            .anyMatch(l -> l.startsWith("host-keys: changed") || l.startsWith("host-keys: unchanged"));
      }
      return new Run(killedAt >= 0, killedAt, firstChange, end, phase);
    }
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  /** The key files in etc/ssh and their identity (inode): any delete, rename or new file changes it. */
  private static Map<String, Object> entries(Path dir) throws IOException {
    Map<String, Object> m = new TreeMap<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "ssh_host_*")) {
      for (Path p : all) {
        try {
          m.put(p.getFileName().toString(), Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (java.nio.file.NoSuchFileException e) {
          m.put(p.getFileName().toString(), "gone");
        }
      }
    }
    return m;
  }

  /** Temp files and folders of our naming. */
  private static List<String> ours(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, p -> p.getFileName().toString().contains(".osm-"))) {
      all.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  /**
   * A full disk under etc/ssh: a tmpfs with {@code freeKiB} left, holding the old keys of
   * {@code oldTypes}. The step fails and the old set is there, byte for byte, with nothing else;
   * the TAG stays unapplied so that a boot with room makes the keys.
   */
  @ParameterizedTest(name = "old keys {0}, {1} KiB free")
  @CsvSource({"rsa ecdsa ed25519, 0", "rsa ecdsa ed25519, 8", "ed25519, 0"})
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aFullDiskLeavesTheOldSetAsItWas(String oldTypes, int freeKiB) throws Exception {
    for (String type : oldTypes.split(" ")) {
      Path key = sshDir.resolve("ssh_host_" + type + "_key");
      assertThat(Processes.run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString()), WAIT).ok()).isTrue();
    }
    Files.createDirectories(tree.home.stateDir());
    Files.writeString(tree.home.stateDir().resolve("applied-tag"), "100\n");
    Map<String, String> old = contents(sshDir);
    floppy(101);
    Path out = tmp.resolve("after");

    List<String> prefix = List.of("unshare", "--mount", "--");
    try (OsmProcess child = OsmProcess.startCommand(javaCommand(prefix, FullDiskChild.class.getName(),
        tree.root.toString(), tree.home.dir().toString(), ini.toString(), Long.toString(freeKiB * 1024L), out.toString()))) {
      assertThat(child.exitStatus(WAIT)).as(String.join("\n", child.lines.all())).isZero();
      String lines = String.join("\n", child.lines.all());
      assertThat(child.lines.all()).as(lines).anyMatch(l -> l.startsWith("host-keys: failed: "));
      assertThat(child.lines.all()).as(lines).contains("exit 1");
    }
    assertThat(contents(out)).as("etc/ssh after the step").isEqualTo(old);
    assertThat(appliedTag()).isEqualTo("100");
    assertThat(HostKeySet.of(out).problems).isEmpty();
  }

  private static List<String> javaCommand(List<String> prefix, String mainClass, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return command;
  }

  /** The host keys and our temps in a folder: name → mode and SHA-256 of the content (a folder: "folder"). */
  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith("ssh_host_")
        || p.getFileName().toString().contains(".osm-"))) {
      for (Path p : all) {
        m.put(p.getFileName().toString(), Files.isDirectory(p) ? "folder" : ConfiguratorTest.mode(p) + " "
            + java.util.HexFormat.of().formatHex(sha256(Files.readAllBytes(p))));
      }
    }
    return m;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
