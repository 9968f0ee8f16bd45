package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import cloud.luoyun.osmanager.util.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Run by {@link HostnameTest} as {@code unshare --uts --mount -- java ... HostnameChild HOME NAME}:
 * with a host name and a mount table of its own, puts a tmpfs over {@code /etc} (gone with the
 * namespace: this machine's files and name are never touched) holding an image's hostname and
 * hosts, applies the host-name step to the running system ({@code --root /}) twice, and prints
 * each line, the running name and the files.
 */
public final class HostnameChild {
  private HostnameChild() {}

  public static void main(String[] args) throws Exception {
    Processes.Result mount = Processes.run(List.of("mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "osm-etc",
        "/etc"), Duration.ofSeconds(10));
    if (!mount.ok()) {
      throw new IllegalStateException("mount: " + mount.output());
    }
    Files.writeString(Path.of("/etc/hostname"), "debian\n");
    Files.writeString(Path.of("/etc/hosts"), "127.0.0.1 localhost\n127.0.1.1 debian\n");
    String name = args[1];
    Configurator.Options o = Configurator.Options.of(new Home(Path.of(args[0]))).withRoot(Path.of("/"));
    Context c = new Context(Specs.withHostname(Specs.nocloud("i-1"), new HostName(name, Optional.of(name
        + ".example.org")), true), o, CommandRunner.system());
    System.out.println(new HostnameStep().apply(c).line());
    System.out.println("running " + Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    System.out.println("etc/hostname " + Files.readString(Path.of("/etc/hostname")).replace("\n", "|"));
    System.out.println("etc/hosts " + Files.readString(Path.of("/etc/hosts"), StandardCharsets.UTF_8)
        .replace("\n", "|"));
    System.out.println(new HostnameStep().apply(c).line());
  }
}
