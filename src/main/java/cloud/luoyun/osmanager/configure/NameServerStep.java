package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Processes;
import java.net.InetAddress;
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
 * Name servers: the spec's own, then those of its NICs, without repeats, IPv4 and IPv6; search
 * domains likewise. Written to {@code etc/resolv.conf} atomically (its {@code options} and
 * {@code sortlist} lines kept, and its {@code search}/{@code domain} lines unless the spec has
 * search domains); when that file is a link into systemd-resolved, a resolved drop-in is written
 * instead, so the link (and resolved's stub) stays as the image set it up.
 */
final class NameServerStep implements Step {
  /** The first line of the files of a LuoYun config; other sources name themselves. */
  static final String MARK = mark("the LuoYun instance config");
  /** glibc reads at most three (MAXNS). */
  static final int MAXNS = 3;

  @Override
  public String name() {
    return "nameservers";
  }

  private static String mark(String origin) {
    return SysFiles.MARK + ": name servers from " + origin;
  }

  static List<InetAddress> nameservers(Context c) {
    Set<InetAddress> all = new LinkedHashSet<>();
    c.spec.network().ifPresent(n -> all.addAll(n.nameservers()));
    for (InstanceSpec.Nic n : c.nics()) {
      all.addAll(n.nameservers());
    }
    return new ArrayList<>(all);
  }

  static List<String> search(Context c) {
    Set<String> all = new LinkedHashSet<>();
    c.spec.network().ifPresent(n -> all.addAll(n.search()));
    for (InstanceSpec.Nic n : c.nics()) {
      all.addAll(n.search());
    }
    return new ArrayList<>(all);
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    List<InetAddress> servers = nameservers(c);
    List<String> search = search(c);
    if (servers.isEmpty()) {
      return skipped(c, "no name servers in the config");
    }
    Path resolv = c.writableDir("etc").resolve("resolv.conf");
    if (SysFiles.isLink(resolv)) {
      String target = Files.readSymbolicLink(resolv).toString();
      if (target.contains("systemd/resolve/")) {
        return resolvedDropIn(c, servers, search);
      }
      return skipped(c, SysFiles.rel(c, resolv) + " links to " + target
          + ", which another tool manages; left alone");
    }
    List<String> kept = new ArrayList<>();
    if (SysFiles.exists(resolv)) {
      for (String line : Files.readAllLines(resolv, StandardCharsets.ISO_8859_1)) {
        String t = line.strip();
        boolean searchLine = t.startsWith("search") || t.startsWith("domain");
        if (searchLine && search.isEmpty() || t.startsWith("options") || t.startsWith("sortlist")) {
          kept.add(line);
        }
      }
    }
    StringBuilder b = new StringBuilder(mark(c.origin())).append('\n');
    List<InetAddress> used = servers.subList(0, Math.min(MAXNS, servers.size()));
    for (InetAddress s : used) {
      b.append("nameserver ").append(Addresses.text(s)).append('\n');
    }
    if (!search.isEmpty()) {
      b.append("search ").append(String.join(" ", search)).append('\n');
    }
    for (String line : kept) {
      b.append(line).append('\n');
    }
    String list = String.join(" ", used.stream().map(Addresses::text).toList());
    return write(c, resolv, b.toString().getBytes(StandardCharsets.ISO_8859_1), list
        + (servers.size() > MAXNS ? " (first " + MAXNS + " of " + servers.size() + ")" : ""));
  }

  private StepResult resolvedDropIn(Context c, List<InetAddress> servers, List<String> search) throws Exception {
    Path dir = c.writableDir("etc/systemd/resolved.conf.d");
    Path file = dir.resolve("osmanager.conf");
    StringBuilder b = new StringBuilder(mark(c.origin())).append("\n[Resolve]\nDNS=");
    String list = String.join(" ", servers.stream().map(Addresses::text).toList());
    b.append(list).append('\n');
    if (!search.isEmpty()) {
      b.append("Domains=").append(String.join(" ", search)).append('\n');
    }
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
