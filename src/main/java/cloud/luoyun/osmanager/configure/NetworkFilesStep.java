package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.config.NetworkEntry;
import cloud.luoyun.osmanager.util.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Persists the static addresses for the network backend of the image under {@code --root} (the
 * one that will bring the NICs up, {@link NetworkBackend}), so that it sets them at boot and its
 * DHCP client does not undo them: NetworkManager keyfiles, systemd-networkd
 * {@code .network} files, or an ifupdown {@code interfaces.d} file. Every file carries the
 * {@link #MARK} on its first line; marked files no longer wanted (an entry gone or back to DHCP)
 * are removed, files without the mark are never touched. NICs are matched by MAC where the stack
 * can, else by the name found for them now (after udev named them, with --before-network).
 * Services are not restarted: at boot configure runs before they start, and by hand the NICs are
 * already set with {@code ip}.
 */
final class NetworkFilesStep implements Step {
  static final String MARK = "# managed by osmanager";
  private static final String HEADER = MARK + ": from the LuoYun instance config; rewritten at every boot\n";

  /** The ifupdown file, in {@link Stack#IFUPDOWN}'s folder. */
  static final String IFUPDOWN_FILE = "osmanager";

  /** The stacks, in the order in which they win when several are enabled ({@link NetworkBackend}). */
  enum Stack {
    NETWORK_MANAGER("NetworkManager", "etc/NetworkManager/system-connections", "osmanager-*.nmconnection",
        "NetworkManager.service", List.of("NetworkManager", "network-manager")),
    NETWORKD("systemd-networkd", "etc/systemd/network", "05-osmanager-*.network", "systemd-networkd.service",
        List.of()),
    IFUPDOWN("ifupdown", "etc/network/interfaces.d", IFUPDOWN_FILE, "networking.service", List.of("networking"));

    final String label;
    final String dir;
    final String glob;
    /** The systemd unit that starts it. */
    final String unit;
    /** Its init scripts on images without systemd. */
    final List<String> initScripts;

    Stack(String label, String dir, String glob, String unit, List<String> initScripts) {
      this.label = label;
      this.dir = dir;
      this.glob = glob;
      this.unit = unit;
      this.initScripts = initScripts;
    }
  }

  @Override
  public String name() {
    return "network-files";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    Optional<NetworkBackend> backend = c.backend();
    if (backend.isEmpty()) {
      return skipped(c, "no NetworkManager, systemd-networkd or ifupdown under " + c.options.root());
    }
    Stack s = backend.get().stack();
    Path dir = c.writableDir(s.dir);
    List<String> problems = new ArrayList<>();
    Map<Path, String> wanted = new LinkedHashMap<>();
    StringBuilder ifupdown = new StringBuilder(HEADER);
    List<Context.Match> matches = c.matches();
    for (Context.Match m : matches) {
      Optional<String> name = m.link().map(Ip.Link::name);
      boolean byMac = m.entry().mac().isPresent() && s != Stack.IFUPDOWN;
      if (!byMac && name.isEmpty()) {
        problems.add(m.label() + ": " + m.problem());
        continue;
      }
      List<Ipv4Address> dns = m.entry().nameservers().isEmpty() && m.index() == 0
          ? NameServerStep.nameservers(c) : m.entry().nameservers();
      Optional<Ipv4Address> gateway = m.index() == 0 ? m.entry().gateway() : Optional.empty();
      switch (s) {
        case NETWORKD -> wanted.put(dir.resolve("05-osmanager-nic" + m.index() + ".network"),
            networkd(m, byMac, name, gateway, dns));
        case NETWORK_MANAGER -> wanted.put(dir.resolve("osmanager-nic" + m.index() + ".nmconnection"),
            keyfile(m, byMac, name, gateway, dns));
        case IFUPDOWN -> ifupdown.append(ifupdown(m.entry(), name.get(), gateway, dns));
      }
    }
    if (s == Stack.IFUPDOWN && !matches.isEmpty() && problems.size() < matches.size()) {
      wanted.put(dir.resolve(IFUPDOWN_FILE), ifupdown.toString());
    }
    List<String> did = new ArrayList<>();
    Set<PosixFilePermission> mode = s == Stack.NETWORK_MANAGER ? SysFiles.RW_OWNER : SysFiles.PUBLIC_FILE;
    if (!wanted.isEmpty() && !c.dryRun()) {
      Files.createDirectories(dir);
    }
    for (Map.Entry<Path, String> w : wanted.entrySet()) {
      byte[] bytes = w.getValue().getBytes(StandardCharsets.US_ASCII);
      SysFiles.requireNoLink(w.getKey(), SysFiles.rel(c, w.getKey()));
      boolean same = SysFiles.exists(w.getKey()) && java.util.Arrays.equals(Files.readAllBytes(w.getKey()), bytes);
      if (!same) {
        did.add((c.dryRun() ? "would write " : "wrote ") + SysFiles.rel(c, w.getKey()));
        if (c.dryRun()) {
          SysFiles.checkWritable(w.getKey());
        } else {
          AtomicFile.write(w.getKey(), bytes, mode);
        }
      }
    }
    // With an entry unresolved, its file from an earlier run may still be right: keep it.
    for (Path stale : problems.isEmpty() ? stale(dir, s, wanted.keySet()) : List.<Path>of()) {
      did.add((c.dryRun() ? "would remove " : "removed ") + SysFiles.rel(c, stale));
      if (!c.dryRun()) {
        Files.delete(stale);
      }
    }
    if (!wanted.isEmpty()) {
      backend.get().ignored().ifPresent(why -> did.add("note: " + why + ", so " + s.label + " ignores it"));
    }
    if (s == Stack.IFUPDOWN) {
      for (Context.Match m : matches) {
        m.link().ifPresent(l -> otherStanza(c, l.name()).ifPresent(where ->
            did.add("note: " + where + " also configures " + l.name() + "; remove that stanza")));
      }
    }
    String label = backend.get().label();
    String summary = label + (did.isEmpty() ? "" : ": " + String.join(", ", did));
    if (!problems.isEmpty()) {
      return failed(c, String.join("; ", problems) + " (" + summary + ")");
    }
    if (wanted.isEmpty() && did.isEmpty()) {
      return skipped(c, "no network entry with an ip (left to DHCP)");
    }
    boolean wrote = did.stream().anyMatch(d -> !d.startsWith("note: "));
    return wrote ? changed(c, summary)
        : unchanged(c, label + " files up to date" + (did.isEmpty() ? "" : "; " + String.join(", ", did)));
  }

  /**
   * Where else an ifupdown stanza for {@code nic} is ({@code iface NIC inet ...} in
   * etc/network/interfaces or another interfaces.d file): ifup would run both, and a DHCP stanza
   * would add a second address.
   */
  private static Optional<String> otherStanza(Context c, String nic) {
    List<Path> files = new ArrayList<>();
    files.add(c.sys("etc/network/interfaces"));
    try (DirectoryStream<Path> d = Files.newDirectoryStream(c.sys(Stack.IFUPDOWN.dir))) {
      d.forEach(p -> {
        if (!p.getFileName().toString().equals(IFUPDOWN_FILE)) {
          files.add(p);
        }
      });
    } catch (IOException e) {
      // no interfaces.d
    }
    java.util.regex.Pattern stanza = java.util.regex.Pattern.compile(
        "\\s*iface\\s+" + java.util.regex.Pattern.quote(nic) + "\\s+inet\\s.*");
    for (Path f : files) {
      try {
        if (Files.isRegularFile(f)
            && Files.readAllLines(f, StandardCharsets.ISO_8859_1).stream().anyMatch(l -> stanza.matcher(l).matches())) {
          return Optional.of(SysFiles.rel(c, f));
        }
      } catch (IOException e) {
        // unreadable: nothing to say about it
      }
    }
    return Optional.empty();
  }

  /** Files of ours (by name and first line) in {@code dir} that this config no longer wants. */
  private static List<Path> stale(Path dir, Stack s, Set<Path> wanted) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, s.glob)) {
      for (Path p : files) {
        if (!wanted.contains(p) && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && firstLine(p).startsWith(MARK)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static String firstLine(Path p) throws IOException {
    try (var r = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
      String l = r.readLine();
      return l == null ? "" : l;
    }
  }

  private static String networkd(Context.Match m, boolean byMac, Optional<String> name,
      Optional<Ipv4Address> gateway, List<Ipv4Address> dns) {
    StringBuilder b = new StringBuilder(HEADER).append("[Match]\n");
    b.append(byMac ? "MACAddress=" + m.entry().mac().get() : "Name=" + name.get()).append("\n\n[Network]\n");
    b.append("Address=").append(m.entry().ip().get()).append('/').append(NicStep.prefix(m.entry())).append('\n');
    gateway.ifPresent(g -> b.append("Gateway=").append(g).append('\n'));
    dns.forEach(d -> b.append("DNS=").append(d).append('\n'));
    return b.toString();
  }

  private static String keyfile(Context.Match m, boolean byMac, Optional<String> name,
      Optional<Ipv4Address> gateway, List<Ipv4Address> dns) {
    String id = "osmanager-nic" + m.index();
    String match = byMac ? m.entry().mac().get().value() : name.get();
    StringBuilder b = new StringBuilder(HEADER).append("[connection]\n")
        .append("id=").append(id).append('\n')
        .append("uuid=").append(UUID.nameUUIDFromBytes((id + " " + match).getBytes(StandardCharsets.US_ASCII)))
        .append('\n')
        .append("type=ethernet\nautoconnect=true\nautoconnect-priority=100\n");
    if (!byMac) {
      b.append("interface-name=").append(name.get()).append('\n');
    }
    b.append("\n[ethernet]\n");
    if (byMac) {
      b.append("mac-address=").append(m.entry().mac().get().value().toUpperCase(Locale.ROOT)).append('\n');
    }
    b.append("\n[ipv4]\nmethod=manual\naddress1=").append(m.entry().ip().get()).append('/')
        .append(NicStep.prefix(m.entry()));
    gateway.ifPresent(g -> b.append(',').append(g));
    b.append('\n');
    if (!dns.isEmpty()) {
      b.append("dns=");
      dns.forEach(d -> b.append(d).append(';'));
      b.append('\n');
    }
    return b.toString();
  }

  private static String ifupdown(NetworkEntry e, String name, Optional<Ipv4Address> gateway, List<Ipv4Address> dns) {
    StringBuilder b = new StringBuilder("\nauto ").append(name).append('\n')
        .append("iface ").append(name).append(" inet static\n")
        .append("    address ").append(e.ip().get()).append('/').append(NicStep.prefix(e)).append('\n');
    gateway.ifPresent(g -> b.append("    gateway ").append(g).append('\n'));
    if (!dns.isEmpty()) {
      b.append("    dns-nameservers ").append(String.join(" ", dns.stream().map(Ipv4Address::toString).toList()))
          .append('\n');
    }
    return b.toString();
  }
}
