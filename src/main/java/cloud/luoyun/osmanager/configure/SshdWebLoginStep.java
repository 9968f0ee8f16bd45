package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lets root log into the web terminal with the config's password. The terminal logs into this
 * machine's own sshd at 127.0.0.1 with a password, which a stock sshd refuses for root
 * ({@code PermitRootLogin prohibit-password}). A drop-in that osmanager owns,
 * {@value #FILE}, allows root's password from loopback only; from the network root stays as
 * sshd_config says (key only on a stock sshd). sshd applies the first value a matching Match block
 * gives, across all files, and reads the drop-ins in name order: "00-" comes before the usual
 * drop-ins, so their Match blocks do not win over ours.
 *
 * <p>Written when root has a password in the config (LuoYun's {@code passwd_hash}; another
 * source's root password, unless it locks it), the web terminal is enabled and OpenSSH's
 * sshd_config exists; otherwise our file (only when it carries the mark) is removed. When
 * sshd_config has no {@code Include} of the folder (before its first Match), the step says so and
 * changes nothing: sshd_config itself is the admin's. At boot this runs before ssh starts; by hand
 * on the running system a changed file is followed by a reload of sshd (failures reported, not
 * fatal).
 */
final class SshdWebLoginStep implements Step {
  static final String DIR = "etc/ssh/sshd_config.d";
  static final String FILE = DIR + "/00-osmanager-web-login.conf";
  static final String CONTENT = SysFiles.MARK + ": root's password login for the web terminal; "
      + "rewritten at every boot\n"
      + "# The web terminal logs into this sshd from 127.0.0.1 with root's password (the instance config's\n"
      + "# passwd_hash). From the network root logs in as sshd_config says.\n"
      + "Match User root Address 127.0.0.1,::1\n"
      + "\tPermitRootLogin yes\n"
      + "\tPasswordAuthentication yes\n";
  static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "sshd-web-login";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    Path config = c.sys("etc/ssh/sshd_config");
    Path file = c.sys(FILE);
    Optional<String> unwanted = !Files.isRegularFile(config)
        ? Optional.of("no " + SysFiles.rel(c, config) + ", OpenSSH server not installed")
        : noRootPassword(c).isPresent() ? noRootPassword(c)
        : !c.terminalEnabled() ? Optional.of("the web terminal is disabled in the config")
        : Optional.empty();
    if (unwanted.isPresent()) {
      return remove(c, file, unwanted.get());
    }
    if (!included(config)) {
      return skipped(c, SysFiles.rel(c, config) + " does not Include " + DIR.substring("etc/ssh/".length())
          + "/*.conf (before any Match); root's password login through the web terminal left as it says");
    }
    byte[] want = CONTENT.getBytes(StandardCharsets.US_ASCII);
    if (SysFiles.exists(file) && Arrays.equals(Files.readAllBytes(file), want)) {
      return unchanged(c, SysFiles.rel(c, file) + " up to date: root's password accepted from this machine only");
    }
    Path dir = c.writableDir(DIR);
    SysFiles.requireNoLink(file, SysFiles.rel(c, file));
    if (SysFiles.exists(file) && !SysFiles.isOurs(file)) {
      return skipped(c, SysFiles.rel(c, file) + " is not osmanager's (no mark), left alone");
    }
    if (c.dryRun()) {
      SysFiles.checkWritable(file);
      return changed(c, "would write " + SysFiles.rel(c, file));
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(SysFiles.PUBLIC_DIR));
    }
    AtomicFile.write(file, want, SysFiles.PUBLIC_FILE);
    return changed(c, "wrote " + SysFiles.rel(c, file) + ": root's password accepted from this machine only"
        + reload(c));
  }

  /** Why root has no password in the spec that logs in, if it has none. */
  private static Optional<String> noRootPassword(Context c) {
    Optional<InstanceSpec.Account> root = c.spec.accounts().stream().filter(InstanceSpec.Account::isRoot).findFirst();
    if (root.isEmpty() || root.get().password().isEmpty()) {
      return Optional.of(c.spec.source() == InstanceSpec.Source.LUOYUN ? "no passwd_hash in the config"
          : "no password for root in the config");
    }
    return root.get().lockPassword().orElse(false) ? Optional.of("root's password is locked by the config")
        : Optional.empty();
  }

  private StepResult remove(Context c, Path file, String why) throws Exception {
    if (!SysFiles.exists(file)) {
      return skipped(c, why);
    }
    if (SysFiles.isLink(file) || !Files.isRegularFile(file) || !SysFiles.isOurs(file)) {
      return skipped(c, why + "; " + SysFiles.rel(c, file) + " is not osmanager's (no mark), left alone");
    }
    c.writableDir(DIR);
    if (c.dryRun()) {
      SysFiles.checkWritable(file);
      return changed(c, "would remove " + SysFiles.rel(c, file) + ": " + why);
    }
    Files.delete(file);
    return changed(c, "removed " + SysFiles.rel(c, file) + ": " + why + reload(c));
  }

  /**
   * Whether sshd reads our file: an {@code Include} of sshd_config, before its first Match (an
   * Include inside a Match block counts only where that block matches), whose pattern matches
   * it. sshd takes keywords in any case, '=' or spaces before the arguments, quotes around them,
   * and paths relative to /etc/ssh.
   */
  static boolean included(Path sshdConfig) throws IOException {
    String ours = "/" + FILE;
    for (String line : Files.readAllLines(sshdConfig, StandardCharsets.ISO_8859_1)) {
      String[] w = line.strip().split("[\\s=]+");
      if (w[0].equalsIgnoreCase("match")) {
        return false;
      }
      if (!w[0].equalsIgnoreCase("include")) {
        continue;
      }
      for (int i = 1; i < w.length; i++) {
        String arg = w[i].replace("\"", "");
        if (SysFiles.globMatches(arg.startsWith("/") ? arg : "/etc/ssh/" + arg, ours)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Run by hand on the running system: sshd reads its config for each new connection only after a
   * reload. At boot (before ssh starts) and in image trees there is nothing to tell.
   */
  private static String reload(Context c) throws InterruptedException {
    if (!c.liveRoot() || c.beforeNetwork()) {
      return "";
    }
    if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
      return "; no systemd to reload sshd: restart it to apply";
    }
    Optional<String> unit = List.of("ssh.service", "sshd.service").stream()
        .filter(u -> NetworkBackend.unitInstalled(c, u)).findFirst();
    if (unit.isEmpty()) {
      return "; no ssh.service or sshd.service unit to reload: restart sshd to apply";
    }
    try {
      Processes.Result r = c.runner.run(List.of("systemctl", "try-reload-or-restart", unit.get()), RELOAD_TIMEOUT,
          Map.of());
      return r.ok() ? "; " + unit.get() + " reloaded" : "; " + unit.get() + " did not reload: "
          + (r.timedOut() ? "timed out" : r.output().strip().lines().reduce((a, b) -> b).orElse("exit " + r.exitCode()));
    } catch (IOException e) {
      return "; " + unit.get() + " did not reload: " + e.getMessage();
    }
  }
}
