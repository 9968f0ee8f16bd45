package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SSH host keys in an {@code etc/ssh} folder, judged by OpenSSH's own tools: a private key
 * {@code ssh_host_T_key} matches its {@code ssh_host_T_key.pub} when {@code ssh-keygen -y}
 * derives that public key from it; sshd can start when {@code sshd -t} loads every private key.
 */
final class HostKeySet {
  static final List<String> TYPES = List.of("rsa", "ecdsa", "ed25519");
  private static final Duration LIMIT = Duration.ofSeconds(30);

  /** type → the public key ("type base64") of a private key whose .pub matches it. */
  final Map<String, String> matching;
  /** What is wrong: a private key without .pub, or with one it does not match. */
  final List<String> problems;
  private final Path dir;

  private HostKeySet(Path dir, Map<String, String> matching, List<String> problems) {
    this.dir = dir;
    this.matching = matching;
    this.problems = problems;
  }

  static HostKeySet of(Path sshDir) throws IOException, InterruptedException {
    Map<String, String> matching = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Path key : privateKeys(sshDir)) {
      String type = key.getFileName().toString().replaceAll("^ssh_host_(.*)_key$", "$1");
      Path pub = key.resolveSibling(key.getFileName() + ".pub");
      if (!Files.isRegularFile(pub, LinkOption.NOFOLLOW_LINKS)) {
        problems.add(key.getFileName() + " has no .pub");
        continue;
      }
      Optional<String> derived = derivedPublicKey(key);
      String stored = keyOnly(Files.readString(pub, StandardCharsets.US_ASCII));
      if (derived.isEmpty()) {
        problems.add(key.getFileName() + " is not a private key ssh-keygen can read");
      } else if (!derived.get().equals(stored)) {
        problems.add(key.getFileName() + " does not match its .pub");
      } else {
        matching.put(type, stored);
      }
    }
    return new HostKeySet(sshDir, matching, problems);
  }

  static List<Path> privateKeys(Path sshDir) throws IOException {
    List<Path> keys = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(sshDir, "ssh_host_*_key")) {
      all.forEach(keys::add);
    }
    keys.sort(null);
    return keys;
  }

  /** Whether {@code sshd -t} (test mode) loads every private key here and would start with them. */
  boolean sshdStarts() throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("/usr/sbin/sshd", "-t", "-f", "/dev/null"));
    for (Path key : privateKeys(dir)) {
      argv.addAll(List.of("-h", key.toString()));
    }
    Files.createDirectories(Path.of("/run/sshd")); // its privilege separation folder, as TESTING.md says
    return Processes.run(argv, LIMIT).ok();
  }

  private static Optional<String> derivedPublicKey(Path key) throws IOException, InterruptedException {
    Processes.Result r = Processes.run(List.of("ssh-keygen", "-y", "-f", key.toString()), LIMIT);
    return r.ok() ? Optional.of(keyOnly(r.output())) : Optional.empty();
  }

  /** "ssh-ed25519 AAAA..." without the comment. */
  private static String keyOnly(String line) {
    String[] f = line.strip().split("\\s+");
    return f.length >= 2 ? f[0] + " " + f[1] : line.strip();
  }

  @Override
  public String toString() {
    return "matching " + matching.keySet() + (problems.isEmpty() ? "" : ", problems " + problems);
  }
}
