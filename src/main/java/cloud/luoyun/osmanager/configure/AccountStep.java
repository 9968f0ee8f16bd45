package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import cloud.luoyun.osmanager.util.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Makes an account the config names (other than root) when the system has none of that name:
 * {@code useradd -m} with its home from the system's skeleton, the account's shell or the
 * system's default ({@code etc/default/useradd}), and the {@code sudo} group when the account asks
 * for sudo and the group exists. Its password is left locked, as useradd leaves it, for
 * {@link PasswordStep} to set. An account that exists is left as it is (shell, groups, home).
 *
 * <p>useradd rather than our own edit of passwd, shadow and group: it picks the uid and gid by the
 * system's login.defs, makes the user's group as the system does, copies the skeleton with the
 * right owners, and takes the shadow-utils lock. Under an image tree it runs as
 * {@code useradd --root TREE}, which chroots into the tree and reads the tree's own files. An
 * argument list, never a shell; the name and shell are checked before.
 *
 * <p>From NoCloud and ConfigDrive accounts are made once per instance, as cloud-init does: an
 * account the admin removed since is not made again at a reboot.
 */
final class AccountStep implements Step {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** An absolute path of plain characters: no '..', nothing a passwd line or useradd would misread. */
  private static final Pattern SHELL = Pattern.compile("(/[A-Za-z0-9._+-]+){1,16}");
  static final String SUDO_GROUP = "sudo";

  private final Account account;
  private final int index;

  /** @param index the account's place in the spec, to name the step when its name is not a user name */
  AccountStep(Account account, int index) {
    this.account = account;
    this.index = index;
  }

  static boolean validName(String name) {
    return Passwd.NAME.matcher(name).matches();
  }

  @Override
  public String name() {
    return validName(account.name()) ? account.name() + "-account" : "accounts[" + index + "]";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    if (!validName(account.name())) {
      return failed(c, "name: not a user name (a lower-case letter or '_', then a-z, 0-9, '_', '-'; 32 at most)");
    }
    Optional<String> shell = account.shell();
    if (shell.isPresent() && (!SHELL.matcher(shell.get()).matches() || shell.get().contains("/../")
        || shell.get().endsWith("/..") || shell.get().contains("/./"))) {
      return failed(c, "shell: not a plain absolute path");
    }
    c.writableDir("etc");
    Optional<Passwd.Entry> there = Passwd.user(c, account.name());
    if (there.isPresent()) {
      return unchanged(c, account.name() + " exists; left as it is");
    }
    if (c.spec.source() != Source.LUOYUN && !c.newInstance()) {
      return unchanged(c, "same instance: " + account.name() + " is not made again (accounts are made once per "
          + "instance)");
    }
    List<String> argv = new ArrayList<>(List.of("useradd"));
    if (!c.liveRoot()) {
      argv.addAll(List.of("--root", c.options.root().toAbsolutePath().normalize().toString()));
    }
    argv.add("-m");
    shell.ifPresent(s -> argv.addAll(List.of("-s", s)));
    String note = "";
    if (account.sudo()) {
      if (Passwd.groupExists(c, SUDO_GROUP)) {
        argv.addAll(List.of("-G", SUDO_GROUP));
      } else {
        note = "; no group " + SUDO_GROUP + " on this system, so no sudo";
      }
    }
    argv.addAll(List.of("--", account.name()));
    if (c.dryRun()) {
      SysFiles.checkWritable(c.sys("etc/passwd"));
      return changed(c, "would run: " + String.join(" ", argv) + note);
    }
    Processes.Result r = c.runner.run(argv, TIMEOUT, Map.of());
    if (!r.ok()) {
      return failed(c, "useradd " + (r.timedOut() ? "timed out"
          : "exit " + r.exitCode() + ": " + r.output().strip().lines().reduce((a, b) -> b).orElse("")));
    }
    Optional<Passwd.Entry> made = Passwd.user(c, account.name());
    if (made.isEmpty()) {
      return failed(c, "useradd exited 0 but " + SysFiles.rel(c, c.sys("etc/passwd")) + " has no " + account.name());
    }
    return changed(c, "made " + account.name() + " (uid " + made.get().uid() + ", home " + made.get().home()
        + ", shell " + made.get().shell() + (argv.contains(SUDO_GROUP) ? ", group " + SUDO_GROUP : "") + ")" + note);
  }
}
