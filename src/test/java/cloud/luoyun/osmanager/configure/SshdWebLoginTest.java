package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sshd-web-login step against a Debian-like --root tree: the drop-in written, kept, removed,
 * and never forced on an sshd_config that does not read it; and this machine's own OpenSSH sshd
 * reading it, to show that it lets root in with a password from loopback and nowhere else.
 */
class SshdWebLoginTest {
  static final String STEP = "sshd-web-login";

  @TempDir Path tmp;
  ImageTree tree;
  final RecordingRunner runner = new RecordingRunner();

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp);
    // The same instance as before: no host keys to make, which would only slow these tests.
    Files.createDirectories(tree.home.stateDir());
    Files.writeString(tree.home.stateDir().resolve("applied-tag"), "7\n");
  }

  /** A config without NICs: the password hash and the web terminal as given. */
  Report run(boolean hash, String webssh, boolean dryRun) throws Exception {
    Path ini = tmp.resolve("luoyun.ini");
    Files.writeString(ini, "TAG=7\nKEY=k\nJSON={" + (hash ? "\"passwd_hash\": \"" + ConfiguratorTest.HASH + "\", " : "")
        + "\"webssh\": {\"status\": \"" + webssh + "\"}}\n");
    return new Configurator(Configurator.Options.of(tree.home).withRoot(tree.root).withSource(ini).withDryRun(dryRun),
        runner, ImageTree.CLOCK).run();
  }

  Report run(boolean hash, String webssh) throws Exception {
    return run(hash, webssh, false);
  }

  String line(Report r) {
    return r.step(STEP).orElseThrow().line();
  }

  Path dropIn() {
    return tree.sys(SshdWebLoginStep.FILE);
  }

  @Test
  void aPasswordAndAnEnabledWebTerminalGetTheMarkedDropInAfterTheKeyStep() throws Exception {
    Report r = run(true, "enable");

    assertThat(line(r)).isEqualTo("sshd-web-login: changed: wrote " + SshdWebLoginStep.FILE
        + ": root's password accepted from this machine only");
    assertThat(dropIn()).hasContent(SshdWebLoginStep.CONTENT);
    assertThat(dropIn()).content().startsWith(SysFiles.MARK)
        .contains("Match User root Address 127.0.0.1,::1\n\tPermitRootLogin yes\n\tPasswordAuthentication yes\n");
    assertThat(ConfiguratorTest.mode(dropIn())).isEqualTo("rw-r--r--");
    assertThat(r.steps()).extracting(StepResult::step).containsSubsequence("root-ssh-key", STEP, "nics");
    assertThat(tree.sys("etc/ssh/sshd_config")).hasContent(ImageTree.SSHD_CONFIG);
  }

  @Test
  void aSecondRunLeavesTheDropInAsItWas() throws Exception {
    run(true, "enable");
    Map<String, String> before = tree.snapshot();

    Report again = run(true, "enable");

    assertThat(line(again)).isEqualTo("sshd-web-login: unchanged: " + SshdWebLoginStep.FILE
        + " up to date: root's password accepted from this machine only");
    assertThat(tree.snapshot()).isEqualTo(before);
  }

  @Test
  void aConfigWithoutPasswordRemovesOurDropIn() throws Exception {
    run(true, "enable");

    Report r = run(false, "enable");

    assertThat(line(r)).isEqualTo("sshd-web-login: changed: removed " + SshdWebLoginStep.FILE
        + ": no passwd_hash in the config");
    assertThat(dropIn()).doesNotExist();
    assertThat(line(run(false, "enable"))).isEqualTo("sshd-web-login: skipped: no passwd_hash in the config");
  }

  @Test
  void aDisabledWebTerminalRemovesOurDropIn() throws Exception {
    run(true, "enable");

    Report r = run(true, "disable");

    assertThat(line(r)).endsWith(": the web terminal is disabled in the config");
    assertThat(dropIn()).doesNotExist();
  }

  @Test
  void aFileOfThatNameWithoutTheMarkIsNeitherReplacedNorRemoved() throws Exception {
    Files.writeString(dropIn(), "PermitRootLogin no\n");

    Report wanted = run(true, "enable");
    Report unwanted = run(false, "enable");

    assertThat(line(wanted)).isEqualTo("sshd-web-login: skipped: " + SshdWebLoginStep.FILE
        + " is not osmanager's (no mark), left alone");
    assertThat(line(unwanted)).endsWith("is not osmanager's (no mark), left alone");
    assertThat(dropIn()).hasContent("PermitRootLogin no");
  }

  @Test
  void anSshdConfigThatDoesNotIncludeTheFolderIsNotEditedAndSaysSo() throws Exception {
    String own = "#PermitRootLogin prohibit-password\nUsePAM yes\nMatch User admin\n"
        + "Include /etc/ssh/sshd_config.d/*.conf\n";
    Files.writeString(tree.sys("etc/ssh/sshd_config"), own);

    Report r = run(true, "enable");

    assertThat(line(r)).isEqualTo("sshd-web-login: skipped: etc/ssh/sshd_config does not Include "
        + "sshd_config.d/*.conf (before any Match); root's password login through the web terminal left as it says");
    assertThat(r.exitCode()).isZero();
    assertThat(dropIn()).doesNotExist();
    assertThat(tree.sys("etc/ssh/sshd_config")).hasContent(own);
  }

  @Test
  void includesAreReadAsSshdReadsThem() throws Exception {
    Path config = tmp.resolve("sshd_config");
    Map<String, Boolean> cases = Map.of(
        "Include /etc/ssh/sshd_config.d/*.conf\n", true,
        "include sshd_config.d/*\n", true,
        "Include=\"/etc/ssh/sshd_config.d/00-*.conf\"\n", true,
        "Include /etc/ssh/local.conf /etc/ssh/sshd_config.d/*.conf\n", true,
        "#Include /etc/ssh/sshd_config.d/*.conf\n", false,
        "Include /etc/ssh/sshd_config.d/*.cfg\n", false,
        "Match all\nInclude /etc/ssh/sshd_config.d/*.conf\n", false);
    for (Map.Entry<String, Boolean> c : cases.entrySet()) {
      Files.writeString(config, "UsePAM yes\n" + c.getKey());

      assertThat(SshdWebLoginStep.included(config)).as(c.getKey()).isEqualTo(c.getValue());
    }
  }

  @Test
  void withoutOpenSshServerNothingIsWritten() throws Exception {
    Files.delete(tree.sys("etc/ssh/sshd_config"));

    Report r = run(true, "enable");

    assertThat(line(r)).isEqualTo("sshd-web-login: skipped: no etc/ssh/sshd_config, OpenSSH server not installed");
    assertThat(dropIn()).doesNotExist();
  }

  @Test
  void aDryRunSaysWhatItWouldWriteOrRemoveAndTouchesNothing() throws Exception {
    Map<String, String> before = tree.snapshot();
    Report write = run(true, "enable", true);
    run(true, "enable");
    Map<String, String> written = tree.snapshot();
    Report remove = run(true, "disable", true);

    assertThat(line(write)).isEqualTo("sshd-web-login: would change: would write " + SshdWebLoginStep.FILE);
    assertThat(line(remove)).isEqualTo("sshd-web-login: would change: would remove " + SshdWebLoginStep.FILE
        + ": the web terminal is disabled in the config");
    assertThat(written).isNotEqualTo(before);
    assertThat(tree.snapshot()).isEqualTo(written);
  }

  @Test
  void theImageTreeRunsNoCommandForIt() throws Exception {
    run(true, "enable");

    assertThat(runner.changing()).noneMatch(c -> c.contains("systemctl") || c.get(0).contains("sshd"));
  }

  /**
   * This machine's sshd (Debian 12: OpenSSH 9.2) reading the step's drop-in from an Include at the
   * top of a stock-like sshd_config, with a cloud image's drop-in after it and an admin's Match for
   * root after that: root gets a password from loopback only, and the Match block of the included
   * file ends with that file (the main file's later lines stay global).
   */
  @Test
  void sshdItselfLetsRootUseItsPasswordFromLoopbackOnly() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")) && "root".equals(System.getProperty("user.name")),
        "needs root and openssh-server");
    String main = "Include /etc/ssh/sshd_config.d/*.conf\n#PermitRootLogin prohibit-password\n"
        + "KbdInteractiveAuthentication no\nPasswordAuthentication no\nUsePAM yes\nX11Forwarding yes\n";
    Files.writeString(tree.sys("etc/ssh/sshd_config"), main);
    Files.writeString(tree.sys("etc/ssh/sshd_config.d/50-cloudimg-settings.conf"), "PasswordAuthentication no\n");
    Files.writeString(tree.sys("etc/ssh/sshd_config.d/90-local.conf"), "Match User root\n\tPermitRootLogin no\n");
    assertThat(run(true, "enable").step(STEP).orElseThrow().outcome()).isEqualTo(Outcome.CHANGED);
    // sshd resolves the Include as the image would: at the tree's own folder
    Path test = tmp.resolve("sshd_config.test");
    Files.writeString(test, main.replace("/etc/ssh/sshd_config.d", tree.sys("etc/ssh/sshd_config.d").toString()));
    Path key = tmp.resolve("hostkey");
    exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
    Files.createDirectories(Path.of("/run/sshd"));

    Map<String, String> rootLocal = sshdT(test, key, "user=root,host=localhost,addr=127.0.0.1");
    Map<String, String> rootLocal6 = sshdT(test, key, "user=root,host=localhost,addr=::1");
    Map<String, String> rootRemote = sshdT(test, key, "user=root,host=x,addr=10.0.2.2");
    Map<String, String> userLocal = sshdT(test, key, "user=osmtest,host=localhost,addr=127.0.0.1");

    assertThat(rootLocal).containsEntry("permitrootlogin", "yes").containsEntry("passwordauthentication", "yes")
        .containsEntry("kbdinteractiveauthentication", "no");
    assertThat(rootLocal6).containsEntry("permitrootlogin", "yes").containsEntry("passwordauthentication", "yes");
    assertThat(rootRemote).containsEntry("permitrootlogin", "no").containsEntry("passwordauthentication", "no");
    assertThat(userLocal.get("permitrootlogin")).isIn("prohibit-password", "without-password");
    assertThat(userLocal).containsEntry("passwordauthentication", "no")
        .containsEntry("kbdinteractiveauthentication", "no").containsEntry("x11forwarding", "yes");
  }

  /** {@code sshd -T -C ...}: the settings sshd would use for such a connection. */
  private static Map<String, String> sshdT(Path config, Path hostKey, String connection) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String l : exec(List.of("/usr/sbin/sshd", "-T", "-f", config.toString(), "-h", hostKey.toString(),
        "-C", connection)).split("\n")) {
      String[] kv = l.split(" ", 2);
      out.putIfAbsent(kv[0], kv.length > 1 ? kv[1] : "");
    }
    return out;
  }

  private static String exec(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(argv + ": " + out);
    }
    return out;
  }
}
