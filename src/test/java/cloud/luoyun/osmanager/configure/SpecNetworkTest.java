package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Cidr;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.config.InstanceSpec.Route;
import cloud.luoyun.osmanager.config.MacAddress;
import com.fasterxml.jackson.jr.ob.JSON;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What other clouds ask of the network (static IPv4 and IPv6, gateways, routes, MTU, DHCP, SLAAC,
 * per-NIC name servers and search domains), as the spec carries it: written into a --root tree
 * for each backend (the files' bytes asserted), and set with {@code ip} on a veth NIC in a
 * throw-away network namespace (read back with {@code ip -j}). Runs as root (CI is root).
 */
class SpecNetworkTest {
  static final String MAC = ConfiguratorTest.MAC;

  @TempDir Path tmp;
  ImageTree tree;
  Netns ns;
  RecordingRunner runner = new RecordingRunner();

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp);
    ns = Netns.create();
    ns.nic("ens3", MAC, "far0");
  }

  @AfterEach
  void tearDown() throws Exception {
    ns.close();
  }

  static InetAddress ip(String s) {
    return Addresses.parse(s).orElseThrow();
  }

  static Cidr cidr(String s) {
    String[] p = s.split("/");
    return new Cidr(ip(p[0]), Integer.parseInt(p[1]));
  }

  static MacAddress mac(String s) {
    return NicWaitTest.mac(s);
  }

  /** A NIC by MAC with nothing asked yet; the tests fill in what they need. */
  static Nic nic(List<Cidr> addresses, boolean dhcp4, boolean dhcp6, boolean slaac, Optional<InetAddress> gw4,
      Optional<InetAddress> gw6, List<Route> routes, OptionalInt mtu, List<InetAddress> dns, List<String> search) {
    return new Nic(Optional.of(mac(MAC)), Optional.empty(), mtu, addresses, dhcp4, dhcp6, slaac, gw4, gw6, routes,
        dns, search);
  }

  /** Static IPv4 and two IPv6 addresses, both gateways, a route of each family, MTU, DNS of each family. */
  static Nic staticDualStack() {
    return nic(List.of(cidr("10.0.0.5/24"), cidr("2001:db8:1::5/64"), cidr("2001:db8:1::6/64")), false, false, false,
        Optional.of(ip("10.0.0.1")), Optional.of(ip("2001:db8:1::1")),
        List.of(new Route(cidr("192.168.50.0/24"), ip("10.0.0.254"), OptionalInt.of(50)),
            new Route(cidr("2001:db8:99::/48"), ip("2001:db8:1::fe"), OptionalInt.empty())),
        OptionalInt.of(1400), List.of(ip("10.0.0.53"), ip("2001:db8:1::53")), List.of("example.net", "lab.example.net"));
  }

  static Nic dhcpAndSlaac() {
    return nic(List.of(), true, false, true, Optional.empty(), Optional.empty(), List.of(), OptionalInt.empty(),
        List.of(), List.of());
  }

  static InstanceSpec spec(Network n) {
    return new InstanceSpec(InstanceSpec.Source.NOCLOUD, "iid-1", Optional.empty(), false, List.of(), Optional.of(n),
        Optional.empty(), List.of(), List.of());
  }

  static InstanceSpec spec(Nic... nics) {
    return spec(new Network(List.of(nics), List.of(), List.of()));
  }

  Context context(InstanceSpec spec) {
    return new Context(spec, tree.options(ImageTree.vectorFloppy(), ns), runner);
  }

  void useNetworkd() throws Exception {
    tree.disable("networking.service");
    tree.enable("systemd-networkd.service", "multi-user.target");
    Files.createDirectories(tree.sys("etc/systemd/network"));
  }

  void useNetworkManager() throws Exception {
    Files.createDirectories(tree.sys("usr/sbin"));
    Files.writeString(tree.sys("usr/sbin/NetworkManager"), "");
    tree.installUnit("NetworkManager.service");
    tree.enable("NetworkManager.service", "multi-user.target");
  }

  static final String HEADER = "# managed by osmanager: from the NoCloud seed; rewritten at every boot\n";

  @Test
  void networkdGetsAddressesOfBothFamiliesGatewaysRoutesMtuAndDns() throws Exception {
    useNetworkd();

    StepResult r = new NetworkFilesStep().apply(context(spec(staticDualStack())));

    assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.CHANGED);
    assertThat(tree.sys("etc/systemd/network/05-osmanager-nic0.network")).hasContent(HEADER
        + "[Match]\nMACAddress=92:fd:3c:00:00:07\n\n[Link]\nMTUBytes=1400\n\n[Network]\nIPv6AcceptRA=no\n"
        + "Address=10.0.0.5/24\nAddress=2001:db8:1::5/64\nAddress=2001:db8:1::6/64\n"
        + "Gateway=10.0.0.1\nGateway=2001:db8:1::1\nDNS=10.0.0.53\nDNS=2001:db8:1::53\n"
        + "Domains=example.net lab.example.net\n"
        + "\n[Route]\nDestination=192.168.50.0/24\nGateway=10.0.0.254\nMetric=50\n"
        + "\n[Route]\nDestination=2001:db8:99::/48\nGateway=2001:db8:1::fe\n");
  }

  @Test
  void networkdGetsDhcpAndSlaac() throws Exception {
    useNetworkd();
    Nic both = nic(List.of(), true, true, false, Optional.empty(), Optional.empty(), List.of(), OptionalInt.empty(),
        List.of(), List.of());

    new NetworkFilesStep().apply(context(spec(dhcpAndSlaac(), withMac(both, "52:54:00:00:00:02"))));

    assertThat(tree.sys("etc/systemd/network/05-osmanager-nic0.network")).hasContent(HEADER
        + "[Match]\nMACAddress=92:fd:3c:00:00:07\n\n[Network]\nDHCP=ipv4\nIPv6AcceptRA=yes\n");
    assertThat(tree.sys("etc/systemd/network/05-osmanager-nic1.network")).hasContent(HEADER
        + "[Match]\nMACAddress=52:54:00:00:00:02\n\n[Network]\nDHCP=yes\n");
  }

  static Nic withMac(Nic n, String mac) {
    return new Nic(Optional.of(mac(mac)), n.name(), n.mtu(), n.addresses(), n.dhcp4(), n.dhcp6(), n.slaac(),
        n.gateway4(), n.gateway6(), n.routes(), n.nameservers(), n.search());
  }

  @Test
  void networkManagerGetsBothFamiliesInTheirOwnSections() throws Exception {
    useNetworkManager();

    new NetworkFilesStep().apply(context(spec(staticDualStack())));

    Path keyfile = tree.sys("etc/NetworkManager/system-connections/osmanager-nic0.nmconnection");
    assertThat(Files.readString(keyfile)).startsWith(HEADER + "[connection]\nid=osmanager-nic0\nuuid=")
        .endsWith("type=ethernet\nautoconnect=true\nautoconnect-priority=100\n"
            + "\n[ethernet]\nmac-address=92:FD:3C:00:00:07\nmtu=1400\n"
            + "\n[ipv4]\nmethod=manual\naddress1=10.0.0.5/24,10.0.0.1\ndns=10.0.0.53;\n"
            + "dns-search=example.net;lab.example.net;\nroute1=192.168.50.0/24,10.0.0.254,50\n"
            + "\n[ipv6]\nmethod=manual\naddress1=2001:db8:1::5/64,2001:db8:1::1\naddress2=2001:db8:1::6/64\n"
            + "dns=2001:db8:1::53;\nroute1=2001:db8:99::/48,2001:db8:1::fe\n");
    assertThat(mode(keyfile)).isEqualTo("rw-------");
  }

  @Test
  void networkManagerGetsDhcpAsAutoAndAnIpv6OnlyNicNoIpv4() throws Exception {
    useNetworkManager();
    Nic v6only = nic(List.of(cidr("2001:db8:2::9/64")), false, false, false, Optional.empty(),
        Optional.of(ip("fe80::1")), List.of(), OptionalInt.empty(), List.of(), List.of());

    new NetworkFilesStep().apply(context(spec(dhcpAndSlaac(), withMac(v6only, "52:54:00:00:00:02"))));

    assertThat(Files.readString(tree.sys("etc/NetworkManager/system-connections/osmanager-nic0.nmconnection")))
        .endsWith("\n[ethernet]\nmac-address=92:FD:3C:00:00:07\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n");
    assertThat(Files.readString(tree.sys("etc/NetworkManager/system-connections/osmanager-nic1.nmconnection")))
        .endsWith("\n[ethernet]\nmac-address=52:54:00:00:00:02\n\n[ipv4]\nmethod=disabled\n"
            + "\n[ipv6]\nmethod=manual\naddress1=2001:db8:2::9/64,fe80::1\n");
  }

  @Test
  void ifupdownGetsAStanzaPerAddressAndFamilyWithRoutesAsUpLines() throws Exception {
    StepResult r = new NetworkFilesStep().apply(context(spec(staticDualStack())));

    assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.CHANGED);
    assertThat(tree.sys("etc/network/interfaces.d/osmanager")).hasContent(HEADER
        + "\nauto ens3\n"
        + "iface ens3 inet static\n    address 10.0.0.5/24\n    gateway 10.0.0.1\n"
        + "    up ip route replace 192.168.50.0/24 via 10.0.0.254 dev ens3 metric 50\n"
        + "    mtu 1400\n    dns-nameservers 10.0.0.53 2001:db8:1::53\n    dns-search example.net lab.example.net\n"
        + "iface ens3 inet6 static\n    address 2001:db8:1::5/64\n    gateway 2001:db8:1::1\n"
        + "    up ip -6 route replace 2001:db8:99::/48 via 2001:db8:1::fe dev ens3\n"
        + "iface ens3 inet6 static\n    address 2001:db8:1::6/64\n");
  }

  /**
   * Debian's ifupdown itself reads the file (ifup --no-act prints what it would run): every stanza
   * of the NIC is applied, both families, with the routes and the MTU.
   */
  @Test
  void ifupdownsOwnParserReadsEveryStanzaOfTheFile() throws Exception {
    new NetworkFilesStep().apply(context(spec(staticDualStack())));
    Path state = Files.createDirectories(tmp.resolve("ifstate"));

    String plan = Netns.sh("ifup", "--no-act", "-i", tree.sys("etc/network/interfaces.d/osmanager").toString(),
        "--state-dir=" + state, "ens3");

    assertThat(plan.lines().map(String::strip).toList()).contains(
        "ip link set dev ens3 mtu 1400  up",
        "ip route add default via 10.0.0.1  dev ens3 onlink",
        "ip route replace 192.168.50.0/24 via 10.0.0.254 dev ens3 metric 50",
        "ip -6 addr add 2001:db8:1::5/64  dev ens3",
        "ip -6 route replace default via 2001:db8:1::1  dev ens3 onlink",
        "ip -6 route replace 2001:db8:99::/48 via 2001:db8:1::fe dev ens3",
        "ip -6 addr add 2001:db8:1::6/64  dev ens3");
    assertThat(plan).contains("ip addr add 10.0.0.5/255.255.255.0 broadcast 10.0.0.255");
  }

  @Test
  void ifupdownGetsDhcpAndAutoStanzas() throws Exception {
    Nic withMtu = new Nic(Optional.of(mac(MAC)), Optional.empty(), OptionalInt.of(9000), List.of(), true, true, false,
        Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

    new NetworkFilesStep().apply(context(spec(withMtu)));
    String dhcp = Files.readString(tree.sys("etc/network/interfaces.d/osmanager"));
    new NetworkFilesStep().apply(context(spec(dhcpAndSlaac())));

    assertThat(dhcp).isEqualTo(HEADER + "\nauto ens3\niface ens3 inet dhcp\n    pre-up ip link set dev ens3 mtu 9000\n"
        + "iface ens3 inet6 dhcp\n");
    assertThat(tree.sys("etc/network/interfaces.d/osmanager")).hasContent(HEADER
        + "\nauto ens3\niface ens3 inet dhcp\niface ens3 inet6 auto\n");
  }

  @Test
  void aNicWithoutMacIsWrittenByItsNameEvenInAnImageTree() throws Exception {
    useNetworkd();
    Nic byName = new Nic(Optional.empty(), Optional.of("enp7s0"), OptionalInt.empty(), List.of(cidr("10.1.0.2/16")),
        false, false, false, Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());
    Context image = new Context(spec(byName), Configurator.Options.of(tree.home).withRoot(tree.root), runner);

    StepResult files = new NetworkFilesStep().apply(image);
    StepResult nics = new NicStep().apply(image);

    assertThat(files.outcome()).as(files.line()).isEqualTo(Outcome.CHANGED);
    assertThat(tree.sys("etc/systemd/network/05-osmanager-nic0.network")).hasContent(HEADER
        + "[Match]\nName=enp7s0\n\n[Network]\nAddress=10.1.0.2/16\n");
    assertThat(nics.line()).isEqualTo(
        "nics: failed: network[0]: no mac; NICs are matched by name only with --root / (the files name enp7s0)");
    assertThat(runner.changing()).noneMatch(cmd -> cmd.get(0).equals("ip"));
  }

  @Test
  void aSpecWithoutANetworkLeavesEvenOurOwnEarlierFiles() throws Exception {
    new NetworkFilesStep().apply(context(spec(dhcpAndSlaac())));
    Map<String, String> before = tree.snapshot();
    InstanceSpec none = new InstanceSpec(InstanceSpec.Source.NOCLOUD, "iid-1", Optional.empty(), false, List.of(),
        Optional.empty(), Optional.empty(), List.of(), List.of());

    List<StepResult> r = List.of(new NicStep().apply(context(none)), new NetworkFilesStep().apply(context(none)),
        new NameServerStep().apply(context(none)));

    assertThat(r).extracting(StepResult::outcome).containsOnly(Outcome.SKIPPED);
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(runner.changing()).isEmpty();
  }

  @Test
  void nameServersOfBothFamiliesAndSearchDomainsReplaceResolvConfsOwn() throws Exception {
    Network n = new Network(List.of(staticDualStack()), List.of(ip("2001:4860:4860::8888"), ip("9.9.9.9")),
        List.of("corp.example"));

    StepResult r = new NameServerStep().apply(context(spec(n)));

    assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.CHANGED);
    assertThat(tree.sys("etc/resolv.conf")).hasContent("# managed by osmanager: name servers from the NoCloud seed\n"
        + "nameserver 2001:4860:4860::8888\nnameserver 9.9.9.9\nnameserver 10.0.0.53\n"
        + "search corp.example example.net lab.example.net\n");
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> json(String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "-j";
    System.arraycopy(args, 0, all, 1, args.length);
    return (List<Map<String, Object>>) (List<?>) JSON.std.listFrom(ns.ip(all));
  }

  @SuppressWarnings("unchecked")
  List<String> addresses(String family) throws Exception {
    List<Map<String, Object>> links = json(family, "addr", "show", "dev", "ens3"); // none without an address
    return links.stream().flatMap(l -> ((List<Map<String, Object>>) (List<?>) l.get("addr_info")).stream())
        .filter(a -> "global".equals(a.get("scope"))).map(a -> a.get("local") + "/" + a.get("prefixlen")).toList();
  }

  /** "dst via gateway metric N" for each route of the family through ens3 with a gateway. */
  List<String> routes(String family) throws Exception {
    return json(family, "route", "show", "dev", "ens3").stream().filter(r -> r.get("gateway") != null)
        .map(r -> r.get("dst") + " via " + r.get("gateway") + (r.get("metric") == null ? "" : " metric " + r.get("metric")))
        .toList();
  }

  @Test
  void aLiveNicGetsBothFamiliesRoutesAndMtuAndASecondRunChangesNothing() throws Exception {
    ns.ip("addr", "add", "10.9.9.9/24", "dev", "ens3"); // an old address: replaced, not stacked
    ns.ip("addr", "add", "2001:db8:77::7/64", "dev", "ens3", "nodad");
    Context c = context(spec(staticDualStack()));

    StepResult first = new NicStep().apply(c);
    runner.commands.clear();
    StepResult again = new NicStep().apply(context(spec(staticDualStack())));

    assertThat(first.outcome()).as(first.line()).isEqualTo(Outcome.CHANGED);
    assertThat(addresses("-4")).containsExactly("10.0.0.5/24");
    assertThat(addresses("-6")).containsExactlyInAnyOrder("2001:db8:1::5/64", "2001:db8:1::6/64");
    assertThat(json("link", "show", "dev", "ens3").get(0).get("mtu")).isEqualTo(1400);
    assertThat(routes("-4")).containsExactlyInAnyOrder("default via 10.0.0.1", "192.168.50.0/24 via 10.0.0.254 metric 50");
    assertThat(routes("-6")).containsExactlyInAnyOrder("default via 2001:db8:1::1 metric 1024",
        "2001:db8:99::/48 via 2001:db8:1::fe metric 1024");
    assertThat(again.line()).isEqualTo("nics: unchanged: ens3 10.0.0.5/24 2001:db8:1::5/64 2001:db8:1::6/64 mtu 1400, "
        + "default via 10.0.0.1, default via 2001:db8:1::1, 192.168.50.0/24 via 10.0.0.254, "
        + "2001:db8:99::/48 via 2001:db8:1::fe");
    assertThat(runner.changing()).isEmpty();
  }

  /**
   * The networkd file configure writes, applied by systemd-networkd itself to the veth in the
   * namespace: networkd runs there in a mount namespace of its own that sees the tree's
   * etc/systemd/network and an empty /run/systemd, with /sys read-only so that it does not wait
   * for udev (as in a container). It is stopped (SIGTERM) when the NIC is set, and never outlives
   * 30 s.
   */
  @Test
  void systemdNetworkdItselfSetsTheNicFromTheFile() throws Exception {
    useNetworkd();
    new NetworkFilesStep().apply(context(spec(staticDualStack())));
    String script = "set -e; mount -t tmpfs tmpfs /run/systemd; mkdir -p /run/systemd/netif;"
        + " chown systemd-network:systemd-network /run/systemd/netif; mount --bind \"$1\" /etc/systemd/network;"
        + " mount -o remount,ro /sys; exec timeout 30 /usr/lib/systemd/systemd-networkd";
    Process networkd = new ProcessBuilder("ip", "netns", "exec", ns.name, "unshare", "-m", "--propagation", "private",
        "sh", "-c", script, "sh", tree.sys("etc/systemd/network").toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("networkd.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while ((routes("-4").size() < 2 || routes("-6").size() < 2) && networkd.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    } finally {
      networkd.destroy();
      networkd.waitFor();
    }

    assertThat(addresses("-4")).as(Files.readString(tmp.resolve("networkd.log"))).containsExactly("10.0.0.5/24");
    assertThat(addresses("-6")).containsExactlyInAnyOrder("2001:db8:1::5/64", "2001:db8:1::6/64");
    assertThat(json("link", "show", "dev", "ens3").get(0).get("mtu")).isEqualTo(1400);
    assertThat(routes("-4")).containsExactlyInAnyOrder("default via 10.0.0.1", "192.168.50.0/24 via 10.0.0.254 metric 50");
    assertThat(routes("-6")).containsExactlyInAnyOrder("default via 2001:db8:1::1 metric 1024",
        "2001:db8:99::/48 via 2001:db8:1::fe metric 1024");
  }

  @Test
  void atBootAnEnabledBackendGetsTheFilesAndTheNicsAreLeftToIt() throws Exception {
    useNetworkd();
    ns.nic("ens4", "52:54:00:00:00:02", "far1");
    Context boot = new Context(spec(staticDualStack(), withMac(dhcpAndSlaac(), "52:54:00:00:00:02")),
        tree.options(ImageTree.vectorFloppy(), ns).withBeforeNetwork(true), runner);

    StepResult nics = new NicStep().apply(boot);
    StepResult files = new NetworkFilesStep().apply(boot);

    assertThat(nics.line()).isEqualTo("nics: skipped: left to systemd-networkd (enabled: systemd-networkd.service), "
        + "which starts after configure");
    assertThat(files.outcome()).as(files.line()).isEqualTo(Outcome.CHANGED);
    assertThat(tree.sys("etc/systemd/network/05-osmanager-nic1.network")).content().endsWith(
        "[Match]\nMACAddress=52:54:00:00:00:02\n\n[Network]\nDHCP=ipv4\nIPv6AcceptRA=yes\n");
    assertThat(runner.changing()).noneMatch(cmd -> cmd.get(0).equals("ip"));
    assertThat(addresses("-4")).isEmpty();
  }

  @Test
  void aLiveDhcpNicIsOnlyBroughtUpAndKeepsItsAddresses() throws Exception {
    ns.ip("addr", "add", "10.9.9.9/24", "dev", "ens3"); // as if a DHCP client had leased it

    StepResult r = new NicStep().apply(context(spec(dhcpAndSlaac())));

    assertThat(r.line()).isEqualTo("nics: changed: ip link set dev ens3 up (DHCP and SLAAC left to the network backend)");
    assertThat(addresses("-4")).containsExactly("10.9.9.9/24");
  }

  @Test
  void aLiveNicWithoutMacIsFoundByItsName() throws Exception {
    Nic byName = new Nic(Optional.empty(), Optional.of("ens3"), OptionalInt.empty(), List.of(cidr("10.1.0.2/16")),
        false, false, false, Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

    StepResult r = new NicStep().apply(context(spec(byName)));

    assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.CHANGED);
    assertThat(addresses("-4")).containsExactly("10.1.0.2/16");
  }

  /** A file's permissions as {@code ls} shows them. */
  static String mode(Path p) throws Exception {
    return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
