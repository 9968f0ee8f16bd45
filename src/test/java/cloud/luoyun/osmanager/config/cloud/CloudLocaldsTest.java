package cloud.luoyun.osmanager.config.cloud;

import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.ALICE;
import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.keyLines;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import cloud.luoyun.osmanager.config.InstanceSpec.Password;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real producer: cloud-utils' {@code cloud-localds} (Debian's {@code cloud-image-utils}) writes
 * the seed, as a tar of the files the volume would hold ({@code -d tar}: the same files it puts on
 * the ISO or vfat image, without needing a volume reader here), and the mapping reads them.
 */
class CloudLocaldsTest {
  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code cloud-localds -d tar OPTIONS seed.tar user-data [meta-data]}, then unpacks its tar
   * into a folder of its own.
   */
  private TestSeed cloudLocalds(List<String> options, Path... files) throws Exception {
    Path tar = dir.resolve("seed.tar");
    List<String> cmd = new ArrayList<>(List.of("cloud-localds", "-d", "tar"));
    cmd.addAll(options);
    cmd.add(tar.toString());
    for (Path f : files) {
      cmd.add(f.toString());
    }
    run(cmd);
    Path out = Files.createDirectory(dir.resolve("volume"));
    run(List.of("tar", "-xf", tar.toString(), "-C", out.toString()));
    return TestSeed.folder(out);
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", cmd).isTrue();
    assertThat(p.exitValue()).as("%s: %s", cmd, output).isZero();
  }

  @Test
  void aSeedMadeWithAHostNameHasCloudLocaldsOwnJsonMetaData() throws Exception {
    Path ud = write("user-data", "#cloud-config\npassword: Localds-pw-3\nchpasswd: { expire: False }\n"
        + "ssh_pwauth: True\nssh_authorized_keys:\n  - " + ALICE + "\n");

    TestSeed seed = cloudLocalds(List.of("-H", "appliance"), ud);
    InstanceSpec spec = NoCloud.read(seed);

    assertThat(seed.text("meta-data")).startsWith("{\n\"instance-id\": \"iid-local01\"");
    assertThat(spec.instanceId()).isEqualTo("iid-local01");
    assertThat(spec.hostname()).contains(new HostName("appliance", Optional.empty()));
    assertThat(spec.accounts().get(0).password()).contains(new Password.Plain("Localds-pw-3"));
    assertThat(keyLines(spec.accounts().get(0))).containsExactly(ALICE);
    assertThat(spec.notApplied()).containsExactly("user-data: ssh_pwauth");
  }

  @Test
  void aSeedWithMetaDataNetworkConfigAndVendorDataIsReadWhole() throws Exception {
    Path ud = write("user-data", "#cloud-config\nhostname: edge-7\n");
    Path md = write("meta-data", "instance-id: edge-7-0001\n");
    Path nc = write("network-config", "version: 2\nethernets:\n  id0:\n    match: {macaddress: '52:54:00:ab:cd:ef'}\n"
        + "    addresses: [10.9.8.7/24]\n    gateway4: 10.9.8.1\n");
    Path vd = write("vendor-data", "#cloud-config\nruncmd: [reboot]\n");

    InstanceSpec spec = NoCloud.read(cloudLocalds(List.of("-N", nc.toString(), "-V", vd.toString()), ud, md));

    assertThat(spec.instanceId()).isEqualTo("edge-7-0001");
    assertThat(spec.hostname()).contains(new HostName("edge-7", Optional.empty()));
    assertThat(spec.network().orElseThrow().nics()).singleElement()
        .satisfies(n -> assertThat(n.addresses()).extracting(Object::toString).containsExactly("10.9.8.7/24"));
    assertThat(spec.notApplied()).containsExactly("vendor-data");
  }
}
