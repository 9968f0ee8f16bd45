package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec.Cidr;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.config.Values;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * NoCloud's {@code network-config}, version 1 (what Proxmox writes) and version 2 (netplan's
 * shape), also wrapped in a top-level {@code network:} key; {@code config: disabled} leaves the
 * network as it is.
 *
 * <p>Version 1: {@code physical} entries (matched by {@code mac_address}, else by {@code name};
 * {@code mtu}; subnets {@code static}/{@code static6} with an {@code address} in CIDR form or
 * with a {@code netmask}, {@code gateway}, {@code dns_nameservers}, {@code dns_search},
 * {@code routes}; {@code dhcp}/{@code dhcp4}, {@code dhcp6}, {@code ipv6_slaac},
 * {@code ipv6_dhcpv6-stateless} (SLAAC), {@code ipv6_dhcpv6-stateful} (DHCPv6), {@code manual})
 * and {@code nameserver} entries ({@code address}, {@code search}). Version 2: {@code ethernets}
 * ({@code match.macaddress}, {@code match.name} without wildcards, {@code set-name},
 * {@code dhcp4}, {@code dhcp6}, {@code accept-ra} (SLAAC), {@code addresses}, {@code gateway4},
 * {@code gateway6}, {@code routes} ({@code to}, {@code via}, {@code metric}),
 * {@code nameservers.addresses}/{@code search}, {@code mtu}). Bonds, bridges, VLANs and the
 * like, global routes and a NIC matched by a wildcard are listed as not applied; unknown keys
 * inside an entry are ignored, as cloud-init ignores them.
 */
final class NetworkConfig {
  private static final Set<String> V1_SKIPPED = Set.of("bond", "bridge", "vlan", "route", "infiniband");
  private static final Set<String> V2_SKIPPED = Set.of("bonds", "bridges", "vlans", "wifis", "tunnels",
      "vrfs", "modems", "dummy-devices", "virtual-ethernets");

  private NetworkConfig() {}

  static Optional<Network> parse(Node root, SpecBuilder b) throws ConfigException {
    if (root.isAbsent()) {
      return Optional.empty();
    }
    if (root.isMap() && root.has("network")) {
      root = root.get("network");
    }
    if (!root.isMap()) {
      throw root.error("expected a mapping with version 1 or 2");
    }
    if (root.get("config").isString() && root.get("config").string().equals("disabled")) {
      return Optional.empty();
    }
    Node v = root.get("version");
    int version = v.optInt(1, 2).orElseThrow(() -> v.error("missing (expected 1 or 2)"));
    return Optional.of(version == 1 ? v1(root, b) : v2(root, b));
  }

  private static Network v1(Node root, SpecBuilder b) throws ConfigException {
    List<Nic> nics = new ArrayList<>();
    List<InetAddress> nameservers = new ArrayList<>();
    List<String> search = new ArrayList<>();
    for (Node e : root.get("config").items(64)) {
      String type = e.get("type").string();
      switch (type) {
        case "physical" -> {
          if (nics.size() >= NicDraft.MAX_NICS) {
            throw e.error("more than " + NicDraft.MAX_NICS + " NICs");
          }
          nics.add(physical(e));
        }
        case "nameserver" -> {
          for (Node a : e.get("address").stringsOrOne(NicDraft.MAX_NAMESERVERS, "[\\s,]+")) {
            NicDraft.addNameserver(nameservers, a.field(), IpLiterals.address(a));
          }
          for (Node s : e.get("search").stringsOrOne(NicDraft.MAX_SEARCH, "[\\s,]+")) {
            NicDraft.addSearch(search, s.field(), s.string());
          }
        }
        default -> {
          if (!V1_SKIPPED.contains(type)) {
            throw e.get("type").error("unknown entry type: " + Values.quote(type));
          }
          b.notApplied(e.field() + " (" + type + ")");
        }
      }
    }
    return new Network(nics, nameservers, search);
  }

  private static Nic physical(Node e) throws ConfigException {
    NicDraft d = new NicDraft();
    Node name = e.get("name");
    if (name.optString().isPresent()) {
      d.name = Optional.of(Names.iface(name.field(), name.string()));
    }
    Node mac = e.get("mac_address");
    if (mac.optString().isPresent()) {
      d.mac = Optional.of(MacAddress.parse(mac.field(), mac.string().strip()));
    }
    if (d.name.isEmpty() && d.mac.isEmpty()) {
      throw e.error("a physical NIC needs a mac_address or a name");
    }
    d.mtu = e.get("mtu").optInt(68, 65535);
    for (Node s : e.get("subnets").items(32)) {
      String type = s.get("type").string();
      switch (type) {
        case "static", "static6" -> staticSubnet(s, d);
        case "dhcp", "dhcp4" -> d.dhcp4 = true;
        case "dhcp6", "ipv6_dhcpv6-stateful" -> d.dhcp6 = true;
        case "ipv6_slaac", "ipv6_dhcpv6-stateless" -> d.slaac = true;
        case "manual" -> { }
        default -> throw s.get("type").error("unknown subnet type: " + Values.quote(type));
      }
    }
    return d.toNic();
  }

  private static void staticSubnet(Node s, NicDraft d) throws ConfigException {
    Cidr c = IpLiterals.cidr(s.get("address"), s.get("netmask").isAbsent() ? s.get("prefix") : s.get("netmask"));
    d.address(s.get("address").field(), c);
    Node gw = s.get("gateway");
    if (gw.optString().isPresent()) {
      InetAddress via = IpLiterals.address(gw);
      if (via.getClass() != c.address().getClass()) {
        throw gw.error("not of the address's family");
      }
      d.gateway(gw.field(), via);
    }
    for (Node a : s.get("dns_nameservers").stringsOrOne(NicDraft.MAX_NAMESERVERS, "[\\s,]+")) {
      d.nameserver(a.field(), IpLiterals.address(a));
    }
    for (Node a : s.get("dns_search").stringsOrOne(NicDraft.MAX_SEARCH, "[\\s,]+")) {
      d.search(a.field(), a.string());
    }
    for (Node r : s.get("routes").items(NicDraft.MAX_ROUTES)) {
      Node net = r.get("network").isAbsent() ? r.get("destination") : r.get("network");
      Cidr to = IpLiterals.cidr(net, r.get("netmask").isAbsent() ? r.get("prefix") : r.get("netmask"));
      d.route(r.field(), to, IpLiterals.address(r.get("gateway")), r.get("metric").optInt(0, 65535));
    }
  }

  private static Network v2(Node root, SpecBuilder b) throws ConfigException {
    for (String key : root.keys(64)) {
      if (V2_SKIPPED.contains(key)) {
        b.notApplied(root.get(key).field());
      }
    }
    List<Nic> nics = new ArrayList<>();
    Node ethernets = root.get("ethernets");
    for (String id : ethernets.keys(NicDraft.MAX_NICS)) {
      ethernet(id, ethernets.get(id), b).ifPresent(nics::add);
    }
    return new Network(nics, List.of(), List.of());
  }

  /** One {@code ethernets} entry; empty when its match cannot be applied (listed as not applied). */
  private static Optional<Nic> ethernet(String id, Node e, SpecBuilder b) throws ConfigException {
    if (!e.isMap()) {
      throw e.error("expected a mapping");
    }
    NicDraft d = new NicDraft();
    Node match = e.get("match");
    Node matchName = match.get("name");
    Node mac = match.get("macaddress");
    if (mac.optString().isPresent()) {
      d.mac = Optional.of(MacAddress.parse(mac.field(), mac.string().strip()));
    }
    if (matchName.optString().filter(n -> n.matches(".*[*?\\[\\]].*")).isPresent()) {
      b.notApplied(matchName.field() + " (a wildcard)");
      return Optional.empty();
    }
    if (!match.isAbsent() && d.mac.isEmpty() && matchName.optString().isEmpty()) {
      b.notApplied(match.field() + " (neither macaddress nor name)");
      return Optional.empty();
    }
    Node setName = e.get("set-name");
    if (setName.optString().isPresent()) {
      d.name = Optional.of(Names.iface(setName.field(), setName.string()));
    } else if (matchName.optString().isPresent()) {
      d.name = Optional.of(Names.iface(matchName.field(), matchName.string()));
    } else if (match.isAbsent()) {
      d.name = Optional.of(Names.iface(e.field(), id)); // no match: the id is the interface's name
    }
    d.mtu = e.get("mtu").optInt(68, 65535);
    d.dhcp4 = e.get("dhcp4").bool(false);
    d.dhcp6 = e.get("dhcp6").bool(false);
    d.slaac = !d.dhcp6 && e.get("accept-ra").bool(false);
    for (Node a : e.get("addresses").items(NicDraft.MAX_ADDRESSES)) {
      Node addr = a;
      if (a.isMap()) { // netplan's {"10.0.0.5/24": {lifetime: ..., label: ...}}
        List<String> k = a.keys(1);
        if (k.isEmpty()) {
          throw a.error("expected an address");
        }
        addr = a.keyAt(k.get(0));
      }
      String s = addr.string().strip();
      if (s.indexOf('/') < 0) {
        throw addr.error("expected an address with its prefix length (CIDR): " + Values.quote(s));
      }
      d.address(addr.field(), IpLiterals.cidr(addr.field(), s, addr.field(), null));
    }
    for (String g : new String[] {"gateway4", "gateway6"}) {
      Node gw = e.get(g);
      if (gw.optString().isPresent()) {
        InetAddress via = IpLiterals.address(gw);
        if ((via instanceof Inet4Address) != g.equals("gateway4")) {
          throw gw.error("not an " + (g.equals("gateway4") ? "IPv4" : "IPv6") + " address");
        }
        d.gateway(gw.field(), via);
      }
    }
    for (Node r : e.get("routes").items(NicDraft.MAX_ROUTES)) {
      InetAddress via = IpLiterals.address(r.get("via"));
      Node to = r.get("to");
      Cidr dest = to.string().strip().equals("default") ? IpLiterals.defaultRoute(via) : IpLiterals.cidrOrHost(to);
      d.route(r.field(), dest, via, r.get("metric").optInt(0, 65535));
    }
    Node ns = e.get("nameservers");
    for (Node a : ns.get("addresses").stringsOrOne(NicDraft.MAX_NAMESERVERS, "[\\s,]+")) {
      d.nameserver(a.field(), IpLiterals.address(a));
    }
    for (Node a : ns.get("search").stringsOrOne(NicDraft.MAX_SEARCH, "[\\s,]+")) {
      d.search(a.field(), a.string());
    }
    return Optional.of(d.toNic());
  }
}
