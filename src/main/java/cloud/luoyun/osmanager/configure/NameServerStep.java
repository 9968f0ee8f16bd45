package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.config.NetworkEntry;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Name servers: the config's {@code nameservers}, then those of its network entries, without
 * repeats. Written to {@code etc/resolv.conf} atomically (its {@code search}/{@code options}
 * lines kept); when that file is a link into systemd-resolved, a resolved drop-in is written
 * instead, so the link (and resolved's stub) stays as the image set it up.
 */
final class NameServerStep implements Step {
  static final String MARK = "# managed by osmanager: name servers from the LuoYun instance config";
  /** glibc reads at most three (MAXNS). */
  static final int MAXNS = 3;

  @Override
  public String name() {
    return "nameservers";
  }

  static List<Ipv4Address> nameservers(Context c) {
    Set<Ipv4Address> all = new LinkedHashSet<>(c.config.settings().nameservers());
    for (NetworkEntry e : c.config.settings().network()) {
      all.addAll(e.nameservers());
    }
    return new ArrayList<>(all);
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    List<Ipv4Address> servers = nameservers(c);
    if (servers.isEmpty()) {
      return skipped(c, "no name servers in the config");
    }
    Path resolv = c.writableDir("etc").resolve("resolv.conf");
    if (SysFiles.isLink(resolv)) {
      String target = Files.readSymbolicLink(resolv).toString();
      if (target.contains("systemd/resolve/")) {
        return resolvedDropIn(c, servers);
      }
      return skipped(c, SysFiles.rel(c, resolv) + " links to " + target
          + ", which another tool manages; left alone");
    }
    List<String> kept = new ArrayList<>();
    if (SysFiles.exists(resolv)) {
      for (String line : Files.readAllLines(resolv, StandardCharsets.ISO_8859_1)) {
        String t = line.strip();
        if (t.startsWith("search") || t.startsWith("domain") || t.startsWith("options") || t.startsWith("sortlist")) {
          kept.add(line);
        }
      }
    }
    StringBuilder b = new StringBuilder(MARK).append('\n');
    List<Ipv4Address> used = servers.subList(0, Math.min(MAXNS, servers.size()));
    for (Ipv4Address s : used) {
      b.append("nameserver ").append(s).append('\n');
    }
    for (String line : kept) {
      b.append(line).append('\n');
    }
    String list = used.toString().replaceAll("[\\[\\],]", "");
    return write(c, resolv, b.toString().getBytes(StandardCharsets.ISO_8859_1), list
        + (servers.size() > MAXNS ? " (first " + MAXNS + " of " + servers.size() + ")" : ""));
  }

  private StepResult resolvedDropIn(Context c, List<Ipv4Address> servers) throws Exception {
    Path dir = c.writableDir("etc/systemd/resolved.conf.d");
    Path file = dir.resolve("osmanager.conf");
    StringBuilder b = new StringBuilder(MARK).append("\n[Resolve]\nDNS=");
    String list = String.join(" ", servers.stream().map(Ipv4Address::toString).toList());
    b.append(list).append('\n');
    if (!c.dryRun()) {
      Files.createDirectories(dir);
    }
    StepResult r = write(c, file, b.toString().getBytes(StandardCharsets.US_ASCII), list + " via systemd-resolved");
    if (r.outcome() == Outcome.CHANGED && !c.dryRun() && c.liveRoot()) {
      Processes.Result res = c.runner.run(List.of("systemctl", "try-reload-or-restart", "systemd-resolved.service"),
          Duration.ofSeconds(30), Map.of());
      if (!res.ok()) {
        return failed(c, "wrote " + SysFiles.rel(c, file) + " but systemd-resolved did not reload: "
            + res.output().strip());
      }
    }
    return r;
  }

  private StepResult write(Context c, Path file, byte[] content, String summary) throws Exception {
    if (SysFiles.exists(file) && Files.size(file) == content.length
        && java.util.Arrays.equals(Files.readAllBytes(file), content)) {
      return unchanged(c, summary + " in " + SysFiles.rel(c, file));
    }
    if (c.dryRun()) {
      SysFiles.checkWritable(file);
    } else {
      AtomicFile.write(file, content, SysFiles.PUBLIC_FILE);
    }
    return changed(c, summary + " in " + SysFiles.rel(c, file));
  }
}
