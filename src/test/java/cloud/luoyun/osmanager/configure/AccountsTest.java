package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.CryptHash;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import cloud.luoyun.osmanager.config.InstanceSpec.Password;
import cloud.luoyun.osmanager.config.Sha512Crypt;
import cloud.luoyun.osmanager.config.SshPublicKey;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounts of a spec from another source than LuoYun's floppy: passwords (plain text hashed
 * with SHA-512 crypt, hashes as given, the lock), keys for every account, a named account made
 * with useradd in an image tree and on this machine, all once per instance. Runs as root.
 */
class AccountsTest {
  static final String TEXT = "correct horse battery staple";

  @TempDir Path tmp;
  ImageTree tree;
  final RecordingRunner runner = new RecordingRunner();
  SshPublicKey key;

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp);
    key = SshPublicKey.parse("test", ConfiguratorTest.KEY_LINE);
  }

  static Account account(String name, Optional<Password> password, Optional<Boolean> lock, List<SshPublicKey> keys,
      Optional<String> shell, boolean sudo) {
    return new Account(name, password, lock, keys, shell, sudo);
  }

  Account root(Password p) {
    return account("root", Optional.of(p), Optional.empty(), List.of(key), Optional.empty(), false);
  }

  /** The account steps only: the others (network, host keys) are not what these tests are about. */
  Report accounts(InstanceSpec spec) throws InterruptedException {
    Report all = Specs.run(tree, spec, runner);
    return new Report(all.steps().stream().filter(s -> s.step().startsWith("root-") || s.step().startsWith("alice")
        || s.step().startsWith("accounts[")).toList(), Optional.empty());
  }

  String shadowField(String name) throws IOException {
    return Files.readAllLines(tree.sys("etc/shadow"), StandardCharsets.ISO_8859_1).stream()
        .filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow().split(":", -1)[1];
  }

  @Test
  void plainTextIsStoredAsASha512CryptHashAndNeverShownAndTheSameInstanceChangesNothing() throws Exception {
    Report first = accounts(Specs.nocloud("i-1", root(new Password.Plain(TEXT))));

    assertThat(first.step("root-password").orElseThrow().line())
        .isEqualTo("root-password: changed: root's password hash set in etc/shadow");
    assertThat(first.step("root-ssh-key").orElseThrow().outcome()).isEqualTo(Outcome.CHANGED);
    String field = shadowField("root");
    assertThat(field).matches("\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}");
    assertThat(Sha512Crypt.matches(TEXT, new CryptHash(field))).isTrue();
    assertThat(Files.readString(tree.sys("etc/shadow"), StandardCharsets.ISO_8859_1)).doesNotContain(TEXT)
        .endsWith(new String(ImageTree.SHADOW_REST, StandardCharsets.ISO_8859_1));
    assertThat(first.steps().toString()).doesNotContain(TEXT).doesNotContain(field);
    assertThat(tree.sys("root/.ssh/authorized_keys")).hasContent(ConfiguratorTest.KEY_LINE + "\n");
    Map<String, String> before = tree.snapshot();

    Report reboot = accounts(Specs.nocloud("i-1", root(new Password.Plain(TEXT))));

    assertThat(reboot.step("root-password").orElseThrow().line())
        .isEqualTo("root-password: unchanged: same instance: root's password is set once per instance");
    assertThat(reboot.step("root-ssh-key").orElseThrow().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(tree.snapshot()).isEqualTo(before);

    Report sameTextNewInstance = accounts(Specs.nocloud("i-2", root(new Password.Plain(TEXT))));

    assertThat(sameTextNewInstance.step("root-password").orElseThrow().line())
        .isEqualTo("root-password: unchanged: root's password already as given");
    assertThat(shadowField("root")).isEqualTo(field);
  }

  /** cloud-init's semantics: a password the user set since the first boot stays until a new instance. */
  @Test
  void aPasswordChangedSinceStaysAtARebootAndANewInstanceSetsItAgain() throws Exception {
    CryptHash given = Sha512Crypt.hash("given");
    accounts(Specs.nocloud("i-1", root(new Password.Hashed(given))));
    String mine = Sha512Crypt.hash("the user's own").value();
    Files.writeString(tree.sys("etc/shadow"), Files.readString(tree.sys("etc/shadow"), StandardCharsets.ISO_8859_1)
        .replace(given.value(), mine), StandardCharsets.ISO_8859_1);

    accounts(Specs.nocloud("i-1", root(new Password.Hashed(given))));
    assertThat(shadowField("root")).isEqualTo(mine);

    Report clone = accounts(Specs.nocloud("i-2", root(new Password.Hashed(given))));
    assertThat(clone.step("root-password").orElseThrow().outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(shadowField("root")).isEqualTo(given.value());
  }

  @Test
  void theLockIsSetOrRemovedAndNeverLeavesAnAccountWithoutPassword() throws Exception {
    CryptHash hash = Sha512Crypt.hash("x");
    Report locked = accounts(Specs.nocloud("i-1", account("root", Optional.of(new Password.Hashed(hash)),
        Optional.of(true), List.of(), Optional.empty(), false)));
    assertThat(locked.step("root-password").orElseThrow().line())
        .isEqualTo("root-password: changed: root's password hash set, password login locked in etc/shadow");
    assertThat(shadowField("root")).isEqualTo("!" + hash.value());

    Report unlocked = accounts(Specs.nocloud("i-2", account("root", Optional.empty(), Optional.of(false), List.of(),
        Optional.empty(), false)));
    assertThat(unlocked.step("root-password").orElseThrow().line())
        .isEqualTo("root-password: changed: root's password login unlocked in etc/shadow");
    assertThat(shadowField("root")).isEqualTo(hash.value());

    Files.writeString(tree.sys("etc/shadow"), "root:!:19000:0:99999:7:::\n");
    Report empty = accounts(Specs.nocloud("i-3", account("root", Optional.empty(), Optional.of(false), List.of(),
        Optional.empty(), false)));
    assertThat(empty.step("root-password").orElseThrow().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(shadowField("root")).isEqualTo("!");
  }

  /** A Debian-like tree: the sudo group, a skeleton, useradd's defaults; useradd --root makes the account. */
  @Test
  void aNamedAccountIsMadeInTheTreeWithItsPasswordKeyShellAndSudoOncePerInstance() throws Exception {
    Files.writeString(tree.sys("etc/group"), "root:x:0:\nsudo:x:27:\nusers:x:100:\n");
    Files.createDirectories(tree.sys("etc/skel"));
    Files.writeString(tree.sys("etc/skel/.profile"), "# the skeleton's\n");
    Files.writeString(tree.sys("etc/login.defs"), "UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\n"
        + "USERGROUPS_ENAB yes\nENCRYPT_METHOD SHA512\n");
    Files.createDirectories(tree.sys("home"));
    Account alice = account("alice", Optional.of(new Password.Plain(TEXT)), Optional.of(false), List.of(key),
        Optional.of("/bin/bash"), true);
    InstanceSpec spec = Specs.nocloud("i-1", alice);

    Report r = accounts(spec);

    assertThat(r.steps()).extracting(StepResult::step).containsExactly("alice-account", "alice-password",
        "alice-ssh-keys");
    assertThat(r.step("alice-account").orElseThrow().line())
        .isEqualTo("alice-account: changed: made alice (uid 1000, home /home/alice, shell /bin/bash, group sudo)");
    assertThat(runner.commands).contains(List.of("useradd", "--root", tree.root.toAbsolutePath().toString(), "-m",
        "-s", "/bin/bash", "-G", "sudo", "--", "alice"));
    assertThat(tree.sys("etc/passwd")).content().contains("alice:x:1000:1000::/home/alice:/bin/bash\n");
    assertThat(tree.sys("etc/group")).content().contains("sudo:x:27:alice\n").containsPattern("(?m)^alice:[x!]:1000:$");
    assertThat(tree.sys("home/alice/.profile")).hasContent("# the skeleton's");
    assertThat(Sha512Crypt.matches(TEXT, new CryptHash(shadowField("alice")))).isTrue();
    Path keys = tree.sys("home/alice/.ssh/authorized_keys");
    assertThat(keys).hasContent(ConfiguratorTest.KEY_LINE + "\n");
    assertThat(Files.getAttribute(keys, "unix:uid")).isEqualTo(1000);
    assertThat(Files.getAttribute(keys.getParent(), "unix:gid")).isEqualTo(1000);
    assertThat(ConfiguratorTest.mode(keys.getParent())).isEqualTo("rwx------");
    assertThat(tree.sys("root/.ssh")).doesNotExist();
    Map<String, String> before = tree.snapshot();
    runner.commands.clear();

    Report reboot = accounts(spec);

    assertThat(reboot.steps()).allSatisfy(s -> assertThat(s.outcome()).as(s.line()).isEqualTo(Outcome.UNCHANGED));
    assertThat(runner.commands).noneMatch(c -> c.get(0).equals("useradd"));
    assertThat(tree.snapshot()).isEqualTo(before);
  }

  @Test
  void aNameThatIsNoUserNameOrABadShellIsRefusedBeforeUseraddRuns() throws Exception {
    InstanceSpec spec = Specs.nocloud("i-1", account("root", Optional.empty(), Optional.empty(), List.of(),
        Optional.empty(), false), account("-o;x", Optional.of(new Password.Plain(TEXT)), Optional.empty(), List.of(key),
        Optional.empty(), false), account("alice", Optional.empty(), Optional.empty(), List.of(),
        Optional.of("/bin/../tmp/x"), false));
    Map<String, String> before = tree.snapshot();

    Report r = accounts(spec);

    assertThat(r.steps()).extracting(StepResult::line).containsExactly(
        "root-password: skipped: no password for root in the config",
        "root-ssh-key: skipped: no SSH key for root in the config",
        "accounts[1]: failed: name: not a user name (a lower-case letter or '_', then a-z, 0-9, '_', '-'; 32 at most)",
        "alice-account: failed: shell: not a plain absolute path",
        "alice-password: skipped: no password for alice in the config",
        "alice-ssh-keys: skipped: no SSH key for alice in the config");
    assertThat(runner.commands).noneMatch(c -> c.get(0).equals("useradd"));
    before.keySet().removeIf(k -> k.contains("/LuoYun/") || k.contains("/etc/ssh/")); // a new instance's host keys
    Map<String, String> after = tree.snapshot();
    after.keySet().removeIf(k -> k.contains("/LuoYun/") || k.contains("/etc/ssh/"));
    assertThat(after).isEqualTo(before);
  }

  /** The web terminal logs root in with its password: a root password from NoCloud opens that as LuoYun's does. */
  @Test
  void rootsPasswordFromAnotherSourceLetsTheWebTerminalLogInAndALockedOneDoesNot() throws Exception {
    Report open = Specs.run(tree, Specs.nocloud("i-1", root(new Password.Plain(TEXT))), runner);
    assertThat(open.step("sshd-web-login").orElseThrow().outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(tree.sys(SshdWebLoginStep.FILE)).hasContent(SshdWebLoginStep.CONTENT);

    Report locked = Specs.run(tree, Specs.nocloud("i-2", account("root", Optional.of(new Password.Plain(TEXT)),
        Optional.of(true), List.of(), Optional.empty(), false)), runner);
    assertThat(locked.step("sshd-web-login").orElseThrow().line()).startsWith(
        "sshd-web-login: changed: removed etc/ssh/sshd_config.d/00-osmanager-web-login.conf: root's password is locked");
    assertThat(tree.sys(SshdWebLoginStep.FILE)).doesNotExist();
  }

  @Test
  void aDryRunSaysWhichAccountItWouldMakeAndMakesNone() throws Exception {
    Files.writeString(tree.sys("etc/group"), "root:x:0:\n");
    Account alice = account("alice", Optional.of(new Password.Plain(TEXT)), Optional.empty(), List.of(key),
        Optional.empty(), true);
    Configurator.Options o = Configurator.Options.of(tree.home).withRoot(tree.root).withDryRun(true);
    Map<String, String> before = tree.snapshot();

    List<StepResult> r = new Configurator(o, runner, ImageTree.CLOCK).applySteps(
        new Context(Specs.nocloud("i-1", alice), o, runner), s -> {});

    assertThat(r).extracting(StepResult::line).contains(
        "alice-account: would change: would run: useradd --root " + tree.root.toAbsolutePath() + " -m -- alice; "
            + "no group sudo on this system, so no sudo",
        "alice-password: would change: would set alice's password in etc/shadow once the account is made",
        "alice-ssh-keys: would change: would put 1 key(s) in alice's authorized_keys once the account is made");
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(runner.commands).noneMatch(c -> c.get(0).equals("useradd"));
  }

  /** This machine's own accounts: a throw-away user made, given a password and a key, and removed. */
  @Test
  void aNamedAccountIsMadeOnTheRunningSystem() throws Exception {
    String name = Netns.randomName();
    Account user = account(name, Optional.of(new Password.Plain(TEXT)), Optional.of(false), List.of(key),
        Optional.empty(), false);
    Configurator.Options live = Configurator.Options.of(new Home(tmp.resolve("home"))).withRoot(Path.of("/"));
    Context c = new Context(Specs.nocloud("i-live", user), live, runner);
    try {
      StepResult made = new AccountStep(user, 0).apply(c);
      StepResult password = new PasswordStep(user, ImageTree.CLOCK).apply(c);
      StepResult keys = new SshKeysStep(user).apply(c);

      assertThat(made.line()).startsWith(name + "-account: changed: made " + name + " (uid ");
      assertThat(runner.commands).contains(List.of("useradd", "-m", "--", name));
      assertThat(password.outcome()).isEqualTo(Outcome.CHANGED);
      assertThat(keys.outcome()).as(keys.line()).isEqualTo(Outcome.CHANGED);
      Processes.Result id = Processes.run(List.of("id", "-u", name), Duration.ofSeconds(10), Map.of(), null);
      assertThat(id.ok()).isTrue();
      Passwd.Entry entry = Passwd.user(c, name).orElseThrow();
      assertThat(Integer.parseInt(id.output().strip())).isEqualTo(entry.uid());
      String field = Files.readAllLines(Path.of("/etc/shadow")).stream().filter(l -> l.startsWith(name + ":"))
          .findFirst().orElseThrow().split(":")[1];
      assertThat(Sha512Crypt.matches(TEXT, new CryptHash(field))).isTrue();
      Path authorized = Path.of(entry.home(), ".ssh", "authorized_keys");
      assertThat(authorized).hasContent(ConfiguratorTest.KEY_LINE + "\n");
      assertThat(Files.getAttribute(authorized, "unix:uid")).isEqualTo(entry.uid());
    } finally {
      if (Passwd.user(c, name).isPresent()) {
        Processes.run(List.of("userdel", "-r", name), Duration.ofSeconds(30), Map.of(), null);
      }
    }
    assertThat(Passwd.user(c, name)).isEmpty();
  }
}
