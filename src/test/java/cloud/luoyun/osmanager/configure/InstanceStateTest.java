package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which instance a system is: the same one keeps its host keys and terminal certificate, a new one
 * gets both anew, and an instance configured by release 0.2.0 (which kept only
 * {@code state/applied-tag}) is the same instance after an upgrade.
 */
class InstanceStateTest {
  @TempDir Path tmp;
  ImageTree tree;
  Netns ns;
  final RecordingRunner runner = new RecordingRunner();

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ns != null) {
      ns.close();
    }
  }

  Path state(String name) {
    return tree.home.stateDir().resolve(name);
  }

  @Test
  void readsTheTagThatRelease020WroteAsTheLuoYunInstance() throws Exception {
    Files.writeString(state("applied-tag"), "7\n");

    assertThat(InstanceState.read(tree.home.stateDir()))
        .contains(new InstanceState.Applied(InstanceSpec.Source.LUOYUN, "7"));
  }

  @Test
  void recordingOneSourceReplacesTheOtherAndLuoYunKeepsTheFormatOf020() throws Exception {
    InstanceState.record(tree.home.stateDir(), Specs.nocloud("i-1\nx"));
    assertThat(state("applied-tag")).doesNotExist();
    assertThat(InstanceState.read(tree.home.stateDir()))
        .contains(new InstanceState.Applied(InstanceSpec.Source.NOCLOUD, "i-1\nx"));

    Files.writeString(state("applied-tag"), "9\n"); // a cut before the other file went: the JSON wins
    assertThat(InstanceState.read(tree.home.stateDir()).get().source()).isEqualTo(InstanceSpec.Source.NOCLOUD);

    InstanceState.record(tree.home.stateDir(), InstanceSpec.of(cloud.luoyun.osmanager.config.InstanceConfig.parse(
        ("TAG=12\nKEY=k\nJSON={}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    assertThat(state("applied-tag")).hasContent("12\n");
    assertThat(state(InstanceState.FILE)).doesNotExist();
  }

  /** The web terminal of an instance configured by another cloud answers to the names that cloud gave it. */
  @Test
  void theHostNameAndStaticAddressesOfAnotherCloudAreRecordedForTheWebTerminal() throws Exception {
    InstanceSpec.Nic nic = new InstanceSpec.Nic(java.util.Optional.empty(), java.util.Optional.of("eth0"),
        java.util.OptionalInt.empty(), java.util.List.of(new InstanceSpec.Cidr(java.net.InetAddress.getByName("10.0.2.15"), 24),
            new InstanceSpec.Cidr(java.net.InetAddress.getByName("2001:db8:0:0::5"), 64)), false, false, false,
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.List.of(), java.util.List.of(), java.util.List.of());
    InstanceSpec named = Specs.withHostname(Specs.nocloud("i-9"),
        new InstanceSpec.HostName("web1", java.util.Optional.of("web1.example.org")), true);
    InstanceSpec spec = new InstanceSpec(named.source(), named.instanceId(), named.hostname(), true, named.accounts(),
        java.util.Optional.of(new InstanceSpec.Network(java.util.List.of(nic), java.util.List.of(), java.util.List.of())),
        named.luoyun(), named.notApplied(), named.warnings());

    assertThat(Configurator.instanceNames(tree.home)).isEmpty();
    InstanceState.record(tree.home.stateDir(), spec);
    assertThat(Configurator.instanceNames(tree.home))
        .containsExactly("web1", "web1.example.org", "10.0.2.15", "2001:db8::5");
    Files.writeString(state(InstanceState.FILE), "{\"names\": 42}");
    assertThat(Configurator.instanceNames(tree.home)).isEmpty();
  }

  @Test
  void aStateFileThatIsNotOursMeansANewInstance() throws Exception {
    Files.writeString(state(InstanceState.FILE), "{\"source\": \"elsewhere\", \"instanceId\": 5}");
    assertThat(InstanceState.read(tree.home.stateDir())).isEmpty();
    Files.writeString(state(InstanceState.FILE), "not json");
    assertThat(InstanceState.read(tree.home.stateDir())).isEmpty();
    Files.delete(state(InstanceState.FILE));
    Files.createSymbolicLink(state(InstanceState.FILE), Path.of("/etc/hostname"));
    assertThat(InstanceState.read(tree.home.stateDir())).isEmpty();
  }

  @Test
  void theSameInstanceIdChangesNothingAndANewOneMakesNewHostKeysAndCertificate() throws Exception {
    Report first = Specs.run(tree, Specs.nocloud("iid-one"), runner);
    assertThat(first.step("host-keys").orElseThrow().line())
        .isEqualTo("host-keys: changed: new instance (nocloud instance-id iid-one, last applied none): "
            + "0 old host key(s) replaced by 3 new");
    assertThat(first.step("terminal-certificate").orElseThrow().line()).startsWith(
        "terminal-certificate: changed: made a self-signed certificate for nocloud instance-id iid-one (none yet)");
    assertThat(state(InstanceState.FILE)).exists();
    byte[] keys = Files.readAllBytes(tree.sys("etc/ssh/ssh_host_ed25519_key.pub"));
    String fingerprint = TlsIdentity.read(tree.home.terminalCertificate(), state("webssh-tls.key")).fingerprint();
    Map<String, String> before = tree.snapshot();

    Report reboot = Specs.run(tree, Specs.nocloud("iid-one"), runner);

    assertThat(reboot.step("host-keys").orElseThrow().line())
        .isEqualTo("host-keys: unchanged: same instance (nocloud instance-id iid-one)");
    assertThat(reboot.step("terminal-certificate").orElseThrow().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(tree.snapshot()).isEqualTo(before);

    Configurator.Options dry = Configurator.Options.of(tree.home).withRoot(tree.root).withDryRun(true);
    List<StepResult> wouldBe = new Configurator(dry, runner, ImageTree.CLOCK).applySteps(
        new Context(Specs.nocloud("iid-two"), dry, runner), s -> {});
    assertThat(wouldBe).extracting(StepResult::line).contains("terminal-certificate: would change: would make a "
        + "self-signed certificate for nocloud instance-id iid-two (new instance: the one in state/ is the last "
        + "instance's)");
    assertThat(tree.snapshot()).isEqualTo(before);

    Report clone = Specs.run(tree, Specs.nocloud("iid-two"), runner);

    assertThat(clone.step("host-keys").orElseThrow().line()).startsWith("host-keys: changed: new instance "
        + "(nocloud instance-id iid-two, last applied nocloud instance-id iid-one): 3 old host key(s) replaced");
    assertThat(clone.step("terminal-certificate").orElseThrow().outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(Files.readAllBytes(tree.sys("etc/ssh/ssh_host_ed25519_key.pub"))).isNotEqualTo(keys);
    assertThat(TlsIdentity.read(tree.home.terminalCertificate(), state("webssh-tls.key")).fingerprint())
        .isNotEqualTo(fingerprint);
    assertThat(InstanceState.read(tree.home.stateDir()))
        .contains(new InstanceState.Applied(InstanceSpec.Source.NOCLOUD, "iid-two"));
  }

  /**
   * An instance configured by 0.2.0 has its host keys, and state/ holds only applied-tag: the new
   * release applying the same floppy must not take it for a new instance.
   */
  @Test
  void anInstanceConfiguredBy020IsTheSameInstanceAfterTheUpgrade() throws Exception {
    for (String type : HostKeyStep.TYPES) {
      Path key = tree.sys("etc/ssh/ssh_host_" + type + "_key");
      assertThat(runner.run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString()),
          HostKeyStep.TIMEOUT, Map.of()).ok()).isTrue();
    }
    Files.writeString(state("applied-tag"), "7\n");
    Map<String, String> keys = tree.snapshot();
    keys.keySet().removeIf(k -> !k.contains("/etc/ssh/ssh_host_"));
    ns = Netns.create();
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");

    Report r = new Configurator(tree.options(ImageTree.vectorFloppy(), ns), runner, ImageTree.CLOCK).run();

    assertThat(r.step("host-keys").orElseThrow().line()).isEqualTo("host-keys: unchanged: same instance (TAG 7)");
    assertThat(r.step("terminal-certificate").orElseThrow().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(tree.home.terminalCertificate()).doesNotExist();
    Map<String, String> after = tree.snapshot();
    after.keySet().removeIf(k -> !k.contains("/etc/ssh/ssh_host_"));
    assertThat(after).isEqualTo(keys);
    assertThat(state("applied-tag")).hasContent("7\n");
    assertThat(state(InstanceState.FILE)).doesNotExist();
  }
}
