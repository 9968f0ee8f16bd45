package cloud.luoyun.osmanager.config.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real producers of seed volumes (genisoimage, xorriso, cloud-localds, mkfs.vfat + mcopy),
 * run on a tree of files the test wrote; {@code .ci/run} installs them.
 */
final class Producers {
  private Producers() {}

  /** A NoCloud seed as virt-install and Proxmox write it. */
  static Map<String, byte[]> noCloud() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("meta-data", utf8("instance-id: iid-seed-1\nlocal-hostname: seeded\n"));
    files.put("user-data", utf8("#cloud-config\npassword: passw0rd\nchpasswd: {expire: False}\n"
        + "ssh_authorized_keys:\n  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG test@seed\n"));
    files.put("network-config", utf8("version: 2\nethernets:\n  eth0:\n    dhcp4: true\n"));
    return files;
  }

  /** A config drive laid out as nova writes it, with Proxmox's ENI content file. */
  static Map<String, byte[]> configDrive() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] meta = utf8("{\"uuid\": \"83679162-1378-4288-a2d4-70e13ec132aa\", "
        + "\"hostname\": \"drive\", \"public_keys\": {\"k\": \"ssh-ed25519 AAAA k@x\"}}");
    files.put("openstack/2012-08-10/meta_data.json", meta);
    files.put("openstack/2012-08-10/user_data", utf8("#cloud-config\n"));
    files.put("openstack/latest/meta_data.json", meta);
    files.put("openstack/latest/network_data.json", utf8("{\"links\": [], \"networks\": []}"));
    files.put("openstack/latest/user_data", utf8("#cloud-config\nhostname: drive\n"));
    files.put("openstack/content/0000", utf8("auto eth0\niface eth0 inet dhcp\n"));
    files.put("ec2/latest/meta-data.json", utf8("{}"));
    return files;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@code files} under a new folder {@code dir}, making the folders on the way. */
  static Path tree(Path dir, Map<String, byte[]> files) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
    }
    return dir;
  }

  /** Runs a producer, failing the test with its output when it fails. */
  static void run(Path workDir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(p.exitValue())
        .as("%s: %s", String.join(" ", command), new String(out, StandardCharsets.UTF_8))
        .isZero();
  }

  /** {@code genisoimage ARGS -o OUT DIR}. */
  static Path genisoimage(Path out, Path dir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("genisoimage"));
    command.addAll(Arrays.asList(args));
    command.addAll(List.of("-o", out.toString(), dir.toString()));
    run(out.getParent(), command.toArray(String[]::new));
    return out;
  }

  /** {@code mkfs.vfat -C -n LABEL OUT KIB}, then each file copied in with {@code mcopy}. */
  static Path vfat(Path out, String label, int kib, Map<String, byte[]> files, Path scratch)
      throws IOException, InterruptedException {
    run(out.getParent(), "mkfs.vfat", "-C", "-n", label, out.toString(), Integer.toString(kib));
    Path dir = tree(scratch, files);
    List<String> made = new ArrayList<>();
    for (String name : files.keySet()) {
      String[] parts = name.split("/");
      StringBuilder folder = new StringBuilder();
      for (int i = 0; i < parts.length - 1; i++) {
        folder.append(i == 0 ? "" : "/").append(parts[i]);
        if (!made.contains(folder.toString())) {
          run(out.getParent(), "mmd", "-i", out.toString(), "::" + folder);
          made.add(folder.toString());
        }
      }
      run(out.getParent(), "mcopy", "-i", out.toString(), dir.resolve(name).toString(),
          "::" + name);
    }
    return out;
  }
}
