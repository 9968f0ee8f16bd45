package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.util.AtomicFile;
import java.io.IOException;
import java.net.InetAddress;
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
 * Persists the spec's NICs for the network backend of the image under {@code --root} (the one
 * that will bring the NICs up, {@link NetworkBackend}), so that it sets them at boot and its DHCP
 * client does not undo them: NetworkManager keyfiles, systemd-networkd {@code .network} files, or
 * an ifupdown {@code interfaces.d} file, each as that backend spells static IPv4 and IPv6
 * addresses, gateways, routes, MTU, DHCPv4, DHCPv6, SLAAC, name servers and search domains. Every
 * file carries the {@link SysFiles#MARK} on its first line; marked files no longer wanted (a NIC
 * gone or no longer configured) are removed, files without the mark are never touched; with no
 * network in the spec at all nothing is. NICs are matched by MAC where the stack can, else by the
 * name found for them now (after udev named them, with --before-network) or the name the spec
 * gives. Services are not restarted: at boot configure runs before they start, and by hand the
 * NICs are already set with {@code ip}.
 */
final class NetworkFilesStep implements Step {
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
    if (c.spec.network().isEmpty()) {
      // Not even our files of an earlier run are removed: the source says nothing of the network.
      return skipped(c, "the config says nothing about the network; left as it is");
    }
    Optional<NetworkBackend> backend = c.backend();
    if (backend.isEmpty()) {
      return skipped(c, "no NetworkManager, systemd-networkd or ifupdown under " + c.options.root());
    }
    Stack s = backend.get().stack();
    Path dir = c.writableDir(s.dir);
    List<String> problems = new ArrayList<>();
    Map<Path, String> wanted = new LinkedHashMap<>();
    String header = SysFiles.MARK + ": from " + c.origin() + "; rewritten at every boot\n";
    StringBuilder ifupdown = new StringBuilder(header);
    List<Context.Match> matches = c.matches();
    for (Context.Match m : matches) {
      InstanceSpec.Nic n = m.nic();
      boolean byMac = n.mac().isPresent() && s != Stack.IFUPDOWN;
      if (!byMac && m.name().isEmpty()) {
        problems.add(m.label() + ": " + m.problem());
        continue;
      }
      NicFile nic = new NicFile(m.index(), n, byMac, m.name(), dns(c, m), search(c, m));
      switch (s) {
        case NETWORKD -> wanted.put(dir.resolve("05-osmanager-nic" + m.index() + ".network"), header + networkd(nic));
        case NETWORK_MANAGER -> wanted.put(dir.resolve("osmanager-nic" + m.index() + ".nmconnection"),
            header + keyfile(nic));
        case IFUPDOWN -> ifupdown.append(ifupdown(nic));
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
        "\\s*iface\\s+" + java.util.regex.Pattern.quote(nic) + "\\s+inet6?\\s.*");
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
        if (!wanted.contains(p) && SysFiles.isOurs(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /**
   * One NIC as the files say it.
   *
   * @param byMac matched by MAC (else by {@code name})
   * @param dns its name servers: its own; the first NIC's without any also gets the instance's
   * @param search its search domains, chosen the same way
   */
  private record NicFile(int index, InstanceSpec.Nic spec, boolean byMac, Optional<String> name, List<InetAddress> dns,
      List<String> search) {
    List<InstanceSpec.Cidr> addresses(boolean v6) {
      return spec.addresses().stream().filter(a -> Addresses.isV6(a.address()) == v6).toList();
    }

    List<InstanceSpec.Route> routes(boolean v6) {
      return spec.routes().stream().filter(r -> Addresses.isV6(r.via()) == v6).toList();
    }

    Optional<InetAddress> gateway(boolean v6) {
      return v6 ? spec.gateway6() : spec.gateway4();
    }

    /** An IPv4 address is asked for (static or DHCP). */
    boolean v4() {
      return spec.dhcp4() || !addresses(false).isEmpty();
    }

    /** An IPv6 address is asked for (static, DHCPv6 or SLAAC). */
    boolean v6() {
      return spec.dhcp6() || spec.slaac() || !addresses(true).isEmpty();
    }
  }

  /** The NIC's name servers; the first NIC, when it has none of its own, gets every one of the instance. */
  private static List<InetAddress> dns(Context c, Context.Match m) {
    return m.nic().nameservers().isEmpty() && m.index() == 0 ? NameServerStep.nameservers(c) : m.nic().nameservers();
  }

  /** The NIC's search domains; the first NIC, when it has none of its own, gets the instance's. */
  private static List<String> search(Context c, Context.Match m) {
    return m.nic().search().isEmpty() && m.index() == 0
        ? c.spec.network().map(InstanceSpec.Network::search).orElse(List.of()) : m.nic().search();
  }

  private static String joined(List<InetAddress> as, String sep) {
    return String.join(sep, as.stream().map(Addresses::text).toList());
  }

  /**
   * systemd.network(5): [Match], [Link] MTUBytes, [Network] (DHCP=, IPv6AcceptRA= yes for SLAAC and
   * no for static IPv6 only), a [Route] per route.
   */
  private static String networkd(NicFile n) {
    StringBuilder b = new StringBuilder("[Match]\n");
    b.append(n.byMac() ? "MACAddress=" + n.spec().mac().get() : "Name=" + n.name().get()).append('\n');
    n.spec().mtu().ifPresent(m -> b.append("\n[Link]\nMTUBytes=").append(m).append('\n'));
    b.append("\n[Network]\n");
    InstanceSpec.Nic s = n.spec();
    if (s.dhcp4() || s.dhcp6()) {
      b.append("DHCP=").append(s.dhcp4() && s.dhcp6() ? "yes" : s.dhcp4() ? "ipv4" : "ipv6").append('\n');
    }
    if (s.slaac()) {
      b.append("IPv6AcceptRA=yes\n");
    } else if (!s.dhcp6() && !n.addresses(true).isEmpty()) {
      // Static IPv6 only: no addresses from router advertisements, as ifupdown (accept_ra 0) and
      // NetworkManager (method=manual) do; networkd would accept them by default.
      b.append("IPv6AcceptRA=no\n");
    }
    s.addresses().forEach(a -> b.append("Address=").append(Addresses.text(a)).append('\n'));
    s.gateway4().ifPresent(g -> b.append("Gateway=").append(Addresses.text(g)).append('\n'));
    s.gateway6().ifPresent(g -> b.append("Gateway=").append(Addresses.text(g)).append('\n'));
    n.dns().forEach(d -> b.append("DNS=").append(Addresses.text(d)).append('\n'));
    if (!n.search().isEmpty()) {
      b.append("Domains=").append(String.join(" ", n.search())).append('\n');
    }
    for (InstanceSpec.Route r : s.routes()) {
      b.append("\n[Route]\nDestination=").append(Addresses.text(r.to())).append("\nGateway=")
          .append(Addresses.text(r.via())).append('\n');
      r.metric().ifPresent(m -> b.append("Metric=").append(Integer.toUnsignedString(m)).append('\n'));
    }
    return b.toString();
  }

  /**
   * nm-settings-keyfile(5): [ethernet] by MAC and MTU; [ipv4] and [ipv6] with method manual (static
   * only), auto (DHCPv4; SLAAC, with DHCPv6 as the router says) or dhcp (DHCPv6 only), numbered
   * addresses (the first carries the gateway) and routes. An [ipv4] without any IPv4 address asked
   * is disabled when IPv6 is; an [ipv6] is written only when IPv6 is asked (else NetworkManager's
   * default stays, as LuoYun's files always had it).
   */
  private static String keyfile(NicFile n) {
    String id = "osmanager-nic" + n.index();
    String match = n.byMac() ? n.spec().mac().get().value() : n.name().get();
    StringBuilder b = new StringBuilder("[connection]\n")
        .append("id=").append(id).append('\n')
        .append("uuid=").append(UUID.nameUUIDFromBytes((id + " " + match).getBytes(StandardCharsets.US_ASCII)))
        .append('\n')
        .append("type=ethernet\nautoconnect=true\nautoconnect-priority=100\n");
    if (!n.byMac()) {
      b.append("interface-name=").append(n.name().get()).append('\n');
    }
    b.append("\n[ethernet]\n");
    if (n.byMac()) {
      b.append("mac-address=").append(n.spec().mac().get().value().toUpperCase(Locale.ROOT)).append('\n');
    }
    n.spec().mtu().ifPresent(m -> b.append("mtu=").append(m).append('\n'));
    List<InetAddress> dns4 = n.dns().stream().filter(d -> !Addresses.isV6(d)).toList();
    List<InetAddress> dns6 = n.dns().stream().filter(Addresses::isV6).toList();
    boolean v6 = n.v6() || !dns6.isEmpty();
    if (n.v4()) {
      keyfileFamily(b, n, false, n.spec().dhcp4() ? "auto" : "manual", dns4, n.search());
    } else if (v6) {
      b.append("\n[ipv4]\nmethod=disabled\n");
    }
    if (v6) {
      String method = n.spec().slaac() ? "auto" : n.spec().dhcp6() ? "dhcp" : n.addresses(true).isEmpty() ? "auto"
          : "manual";
      keyfileFamily(b, n, true, method, dns6, n.v4() ? List.of() : n.search());
    }
    return b.toString();
  }

  private static void keyfileFamily(StringBuilder b, NicFile n, boolean v6, String method, List<InetAddress> dns,
      List<String> search) {
    b.append(v6 ? "\n[ipv6]\n" : "\n[ipv4]\n").append("method=").append(method).append('\n');
    List<InstanceSpec.Cidr> addresses = n.addresses(v6);
    Optional<InetAddress> gateway = n.gateway(v6);
    for (int i = 0; i < addresses.size(); i++) {
      b.append("address").append(i + 1).append('=').append(Addresses.text(addresses.get(i)));
      if (i == 0) {
        gateway.ifPresent(g -> b.append(',').append(Addresses.text(g)));
      }
      b.append('\n');
    }
    if (addresses.isEmpty()) {
      gateway.ifPresent(g -> b.append("gateway=").append(Addresses.text(g)).append('\n'));
    }
    if (!dns.isEmpty()) {
      b.append("dns=");
      dns.forEach(d -> b.append(Addresses.text(d)).append(';'));
      b.append('\n');
    }
    if (!search.isEmpty()) {
      b.append("dns-search=");
      search.forEach(d -> b.append(d).append(';'));
      b.append('\n');
    }
    List<InstanceSpec.Route> routes = n.routes(v6);
    for (int i = 0; i < routes.size(); i++) {
      InstanceSpec.Route r = routes.get(i);
      b.append("route").append(i + 1).append('=').append(Addresses.text(r.to())).append(',')
          .append(Addresses.text(r.via()));
      r.metric().ifPresent(m -> b.append(',').append(Integer.toUnsignedString(m)));
      b.append('\n');
    }
  }

  /**
   * interfaces(5): {@code auto NIC}, then a stanza per static address ({@code inet static},
   * {@code inet6 static}; ifupdown applies every stanza of a NIC), then {@code inet dhcp},
   * {@code inet6 dhcp} or {@code inet6 auto} (SLAAC). The first stanza of a family carries its
   * gateway (as a route when that stanza is not static) and its routes ({@code up ip route add});
   * the NIC's first stanza its MTU and name servers ({@code dns-*}, which resolvconf reads where
   * it is installed and which ifupdown ignores elsewhere).
   */
  private static String ifupdown(NicFile n) {
    String name = n.name().get();
    List<StringBuilder> stanzas = new ArrayList<>();
    List<Boolean> v6Of = new ArrayList<>();
    List<Boolean> isStatic = new ArrayList<>();
    for (boolean v6 : new boolean[] {false, true}) {
      String family = v6 ? "inet6" : "inet";
      for (InstanceSpec.Cidr a : n.addresses(v6)) {
        stanzas.add(new StringBuilder("iface ").append(name).append(' ').append(family).append(" static\n")
            .append("    address ").append(Addresses.text(a)).append('\n'));
        v6Of.add(v6);
        isStatic.add(true);
      }
      String dynamic = v6 ? n.spec().dhcp6() ? "dhcp" : n.spec().slaac() ? "auto" : null
          : n.spec().dhcp4() ? "dhcp" : null;
      if (dynamic != null) {
        stanzas.add(new StringBuilder("iface ").append(name).append(' ').append(family).append(' ').append(dynamic)
            .append('\n'));
        v6Of.add(v6);
        isStatic.add(false);
      }
    }
    for (boolean v6 : new boolean[] {false, true}) {
      int first = v6Of.indexOf(v6);
      if (first < 0) {
        continue;
      }
      StringBuilder st = stanzas.get(first);
      Optional<InetAddress> gateway = n.gateway(v6);
      if (gateway.isPresent() && isStatic.get(first)) {
        st.append("    gateway ").append(Addresses.text(gateway.get())).append('\n');
      } else if (gateway.isPresent()) {
        st.append("    up ip ").append(v6 ? "-6 " : "").append("route replace default via ")
            .append(Addresses.text(gateway.get())).append(" dev ").append(name).append('\n');
      }
      for (InstanceSpec.Route r : n.routes(v6)) {
        st.append("    up ip ").append(v6 ? "-6 " : "").append("route replace ").append(Addresses.text(r.to()))
            .append(" via ").append(Addresses.text(r.via())).append(" dev ").append(name);
        r.metric().ifPresent(m -> st.append(" metric ").append(Integer.toUnsignedString(m)));
        st.append('\n');
      }
    }
    StringBuilder first = stanzas.get(0);
    n.spec().mtu().ifPresent(m -> first.append(isStatic.get(0) ? "    mtu " + m + "\n"
        : "    pre-up ip link set dev " + name + " mtu " + m + "\n"));
    if (!n.dns().isEmpty()) {
      first.append("    dns-nameservers ").append(joined(n.dns(), " ")).append('\n');
    }
    if (!n.search().isEmpty()) {
      first.append("    dns-search ").append(String.join(" ", n.search())).append('\n');
    }
    StringBuilder b = new StringBuilder("\nauto ").append(name).append('\n');
    stanzas.forEach(b::append);
    return b.toString();
  }
}
