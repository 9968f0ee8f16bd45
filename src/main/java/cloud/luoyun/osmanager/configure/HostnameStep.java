package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host name the config gives (cloud-init's {@code hostname}, {@code fqdn},
 * {@code local-hostname}, ConfigDrive's {@code hostname}), as cloud-init sets it on Debian:
 * <ul>
 * <li>{@code etc/hostname}: the short name and a newline (cloud-init's default,
 *     {@code prefer_fqdn_over_hostname: false}); comment lines in it are kept;
 * <li>the running host name, on the running system only ({@code hostname SHORT}, an argument
 *     list): at boot systemd has already set the image's;
 * <li>with {@code manage_etc_hosts: true}, the line {@code 127.0.1.1 FQDN SHORT} in
 *     {@code etc/hosts} (Debian's convention for the host's own name): an existing 127.0.1.1 line
 *     is replaced, every other line kept; without one it goes after the 127.0.0.1 line. cloud-init
 *     rewrites the whole file from its template instead; the admin's lines are kept here.
 * </ul>
 * Applied at every boot. LuoYun's config has no host name ({@code domain.name} is the page's): then
 * nothing is touched.
 */
final class HostnameStep implements Step {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  static final String LOOPBACK = "127.0.1.1";

  @Override
  public String name() {
    return "hostname";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    if (c.spec.hostname().isEmpty()) {
      return skipped(c, c.spec.source() == Source.LUOYUN ? "LuoYun's config gives no host name"
          : "no host name in the config");
    }
    HostName name = c.spec.hostname().get();
    if (!valid(name)) {
      return failed(c, "hostname: not a host name (RFC 1123 labels)");
    }
    String shortName = name.shortName();
    List<String> done = new ArrayList<>();
    Path etc = c.writableDir("etc");
    Path hostnameFile = etc.resolve("hostname");
    SysFiles.requireNoLink(hostnameFile, SysFiles.rel(c, hostnameFile));
    byte[] oldName = SysFiles.exists(hostnameFile) ? Files.readAllBytes(hostnameFile) : null;
    byte[] newName = hostnameFile(oldName, shortName);
    if (oldName == null || !java.util.Arrays.equals(oldName, newName)) {
      write(c, hostnameFile, newName);
      done.add(SysFiles.rel(c, hostnameFile) + " " + shortName);
    }
    if (c.liveRoot()) {
      Path proc = Path.of("/proc/sys/kernel/hostname");
      String running = Files.isReadable(proc) ? Files.readString(proc, StandardCharsets.US_ASCII).strip() : "";
      if (!running.equals(shortName)) {
        if (!c.dryRun()) {
          Processes.Result r = c.runner.run(List.of("hostname", shortName), TIMEOUT, Map.of());
          if (!r.ok()) {
            return failed(c, join(done, "the running host name was not set: hostname " + (r.timedOut() ? "timed out"
                : "exit " + r.exitCode() + ": " + r.output().strip())));
          }
        }
        done.add("running host name " + shortName + " (was " + (running.isEmpty() ? "none" : running) + ")");
      }
    }
    if (c.spec.manageEtcHosts()) {
      Path hosts = etc.resolve("hosts");
      SysFiles.requireNoLink(hosts, SysFiles.rel(c, hosts));
      byte[] old = SysFiles.exists(hosts) ? Files.readAllBytes(hosts) : new byte[0];
      String line = LOOPBACK + " " + (name.fqdn().isPresent() && !name.fullName().equals(shortName)
          ? name.fullName() + " " + shortName : shortName);
      byte[] updated = hostsFile(old, line);
      if (!java.util.Arrays.equals(old, updated)) {
        write(c, hosts, updated);
        done.add(SysFiles.rel(c, hosts) + " " + line);
      }
    }
    if (done.isEmpty()) {
      return unchanged(c, shortName + (c.spec.manageEtcHosts() ? ", and in etc/hosts" : ""));
    }
    return changed(c, (c.dryRun() ? "would set " : "set ") + String.join("; ", done));
  }

  private static String join(List<String> done, String problem) {
    return done.isEmpty() ? problem : "set " + String.join("; ", done) + "; " + problem;
  }

  private static void write(Context c, Path file, byte[] content) throws IOException {
    if (c.dryRun()) {
      SysFiles.checkWritable(file);
    } else {
      AtomicFile.write(file, content, SysFiles.PUBLIC_FILE);
    }
  }

  static boolean valid(HostName name) {
    if (!LABEL.matcher(name.shortName()).matches()) {
      return false;
    }
    if (name.fqdn().isEmpty()) {
      return true;
    }
    String fqdn = name.fqdn().get();
    if (fqdn.length() > 253 || !fqdn.startsWith(name.shortName() + ".") && !fqdn.equals(name.shortName())) {
      return false;
    }
    for (String label : fqdn.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** etc/hostname with its comment lines kept and the name as its one other line. */
  static byte[] hostnameFile(byte[] old, String shortName) {
    StringBuilder out = new StringBuilder();
    if (old != null) {
      for (String l : new String(old, StandardCharsets.ISO_8859_1).split("\n", -1)) {
        if (l.startsWith("#")) {
          out.append(l).append('\n');
        }
      }
    }
    out.append(shortName).append('\n');
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * etc/hosts with {@code line} in place of its first 127.0.1.1 line (later ones dropped), or after
   * its 127.0.0.1 line, or first; every other line byte for byte.
   */
  static byte[] hostsFile(byte[] old, String line) {
    String text = new String(old, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    boolean endsWithNewline = text.isEmpty() || text.endsWith("\n");
    if (endsWithNewline) {
      lines.remove(lines.size() - 1);
    }
    Optional<Integer> at = Optional.empty();
    for (int i = 0; i < lines.size(); i++) {
      if (first(lines.get(i)).equals(LOOPBACK)) {
        if (at.isEmpty()) {
          at = Optional.of(i);
          lines.set(i, line);
        } else {
          lines.remove(i--);
        }
      }
    }
    if (at.isEmpty()) {
      int after = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (first(lines.get(i)).equals("127.0.0.1")) {
          after = i;
          break;
        }
      }
      lines.add(after + 1, line);
    }
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String first(String line) {
    String s = line.strip();
    int end = 0;
    while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
      end++;
    }
    return s.substring(0, end);
  }
}
