package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host-name step against a --root tree: etc/hostname, and etc/hosts when the config manages it. */
class HostnameTest {
  static final String HOSTS = "127.0.0.1\tlocalhost\n127.0.1.1\told.example.org old\n# the admin's\n"
      + "192.0.2.9 db\n::1     localhost ip6-localhost ip6-loopback\n";

  @TempDir Path tmp;
  ImageTree tree;
  final RecordingRunner runner = new RecordingRunner();

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp);
    Files.writeString(tree.sys("etc/hostname"), "# set by the image builder\nold\n");
    Files.writeString(tree.sys("etc/hosts"), HOSTS);
  }

  StepResult apply(InstanceSpec spec, boolean dryRun) throws Exception {
    Configurator.Options o = Configurator.Options.of(tree.home).withRoot(tree.root).withDryRun(dryRun);
    return new HostnameStep().apply(new Context(spec, o, runner));
  }

  static InstanceSpec named(String shortName, String fqdn, boolean manageEtcHosts) {
    return Specs.withHostname(Specs.nocloud("i-1"), new HostName(shortName, Optional.ofNullable(fqdn)), manageEtcHosts);
  }

  @Test
  void theShortNameGoesToEtcHostnameAndTheFqdnToTheLoopbackLineOfEtcHostsAndOnlyOnce() throws Exception {
    StepResult r = apply(named("web1", "web1.example.org", true), false);

    assertThat(r.line()).isEqualTo(
        "hostname: changed: set etc/hostname web1; etc/hosts 127.0.1.1 web1.example.org web1");
    assertThat(tree.sys("etc/hostname")).hasContent("# set by the image builder\nweb1\n");
    assertThat(tree.sys("etc/hosts")).hasContent(HOSTS.replace("127.0.1.1\told.example.org old",
        "127.0.1.1 web1.example.org web1"));
    assertThat(ConfiguratorTest.mode(tree.sys("etc/hosts"))).isEqualTo("rw-r--r--");
    Map<String, String> before = tree.snapshot();

    StepResult again = apply(named("web1", "web1.example.org", true), false);

    assertThat(again.line()).isEqualTo("hostname: unchanged: web1, and in etc/hosts");
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(runner.commands).isEmpty(); // an image tree: the running host name is this machine's own
  }

  @Test
  void withoutALoopbackLineOneGoesAfterLocalhostAndWithoutManageEtcHostsTheFileIsLeftAlone() throws Exception {
    Files.writeString(tree.sys("etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");

    apply(named("app", null, false), false);
    assertThat(tree.sys("etc/hosts")).hasContent("127.0.0.1 localhost\n::1 localhost\n");
    assertThat(tree.sys("etc/hostname")).hasContent("# set by the image builder\napp\n");

    StepResult r = apply(named("app", null, true), false);
    assertThat(r.line()).isEqualTo("hostname: changed: set etc/hosts 127.0.1.1 app");
    assertThat(tree.sys("etc/hosts")).hasContent("127.0.0.1 localhost\n127.0.1.1 app\n::1 localhost\n");
  }

  @Test
  void noHostNameLeavesEverythingAndABadOneIsRefusedBeforeAnyWrite() throws Exception {
    Map<String, String> before = tree.snapshot();

    assertThat(apply(Specs.nocloud("i-1"), false).line()).isEqualTo("hostname: skipped: no host name in the config");
    assertThat(apply(named("a_b", null, true), false).line())
        .isEqualTo("hostname: failed: hostname: not a host name (RFC 1123 labels)");
    assertThat(apply(named("web", "other.example.org", true), false).outcome()).isEqualTo(Outcome.FAILED);
    assertThat(apply(named("web", "web..org", true), false).outcome()).isEqualTo(Outcome.FAILED);
    assertThat(apply(named("web1", "web1.example.org", true), true).line()).isEqualTo(
        "hostname: would change: would set etc/hostname web1; etc/hosts 127.0.1.1 web1.example.org web1");
    assertThat(tree.snapshot()).isEqualTo(before);
  }

  /**
   * The running system: in a UTS and mount namespace of its own (a child JVM), the step sets the
   * running host name with {@code hostname} and writes /etc (a tmpfs there); this machine's own
   * name and files stay as they were.
   */
  @Test
  void onTheRunningSystemTheRunningNameIsSetToo() throws Exception {
    String ownName = Files.readString(Path.of("/proc/sys/kernel/hostname"));
    byte[] ownHosts = Files.readAllBytes(Path.of("/etc/hosts"));
    String name = Netns.randomName();
    List<String> command = List.of("unshare", "--uts", "--mount", "--",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        HostnameChild.class.getName(), tree.home.dir().toString(), name);

    try (OsmProcess child = OsmProcess.startCommand(command)) {
      assertThat(child.exitStatus(Duration.ofSeconds(60))).as(String.join("\n", child.lines.all())).isZero();
      assertThat(child.lines.all()).containsSubsequence(
          "hostname: changed: set etc/hostname " + name + "; running host name " + name + " (was " + ownName.strip()
              + "); etc/hosts 127.0.1.1 " + name + ".example.org " + name,
          "running " + name,
          "etc/hostname " + name + "|",
          "etc/hosts 127.0.0.1 localhost|127.0.1.1 " + name + ".example.org " + name + "|",
          "hostname: unchanged: " + name + ", and in etc/hosts");
    }
    assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname"))).isEqualTo(ownName);
    assertThat(Files.readAllBytes(Path.of("/etc/hosts"))).isEqualTo(ownHosts);
  }
}
