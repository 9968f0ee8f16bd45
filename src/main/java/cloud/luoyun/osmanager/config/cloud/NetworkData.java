package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec.Cidr;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.config.Values;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * OpenStack's {@code network_data.json}, as nova writes it: {@code links} (NICs by
 * {@code ethernet_mac_address}, {@code mtu} possibly null), {@code networks} on those links
 * ({@code ipv4}/{@code ipv6} with {@code ip_address}, {@code netmask} (dotted, an IPv6 mask or
 * CIDR in the address) and {@code routes} of {@code network}, {@code netmask},
 * {@code gateway}; {@code ipv4_dhcp}, {@code ipv6_dhcp}, {@code ipv6_dhcpv6-stateful} (DHCP),
 * {@code ipv6_slaac}, {@code ipv6_dhcpv6-stateless} (SLAAC)), and {@code services} of type
 * {@code dns}, at the top or per network. {@code {}} (nova with no network information): the
 * network is left as it is. Links that are not NICs (bonds, VLANs) and networks on them are listed
 * as not applied.
 */
final class NetworkData {
  /** The link types cloud-init takes for a physical NIC ({@code null} too). */
  private static final Set<String> PHYSICAL = Set.of("bridge", "ethernet", "hw_veb", "hyperv", "ovs", "phy",
      "tap", "vhostuser", "vif");

  private NetworkData() {}

  static Optional<Network> parse(Node root, SpecBuilder b) throws ConfigException {
    if (!root.isMap()) {
      throw root.error("expected a JSON object");
    }
    if (root.keys(16).isEmpty()) {
      return Optional.empty();
    }
    Map<String, NicDraft> links = new LinkedHashMap<>();
    for (Node l : root.get("links").items(64)) {
      Node idNode = l.get("id");
      String id = idNode.optScalar().orElseThrow(() -> idNode.error("missing"));
      if (links.containsKey(id)) {
        throw idNode.error("a link id given twice: " + Values.quote(id));
      }
      Optional<String> type = l.get("type").optString();
      if (type.isPresent() && !PHYSICAL.contains(type.get())) {
        b.notApplied(l.field() + " (" + type.get() + ")");
        links.put(id, null);
        continue;
      }
      if (links.size() >= NicDraft.MAX_NICS) {
        throw l.error("more than " + NicDraft.MAX_NICS + " NICs");
      }
      NicDraft d = new NicDraft();
      Node mac = l.get("ethernet_mac_address");
      d.mac = Optional.of(MacAddress.parse(mac.field(), mac.string().strip()));
      d.mtu = l.get("mtu").optInt(68, 65535);
      links.put(id, d);
    }
    List<InetAddress> nameservers = new ArrayList<>();
    for (Node n : root.get("networks").items(64)) {
      Node link = n.get("link");
      String id = link.optScalar().orElseThrow(() -> link.error("missing"));
      if (!links.containsKey(id)) {
        throw link.error("no such link: " + Values.quote(id));
      }
      NicDraft d = links.get(id);
      if (d == null) {
        b.notApplied(n.field());
        continue;
      }
      String type = n.get("type").string();
      switch (type) {
        case "ipv4", "ipv6" -> {
          Cidr c = IpLiterals.cidr(n.get("ip_address"), n.get("netmask"));
          if ((c.address().getAddress().length == 4) != type.equals("ipv4")) {
            throw n.get("ip_address").error("not an " + (type.equals("ipv4") ? "IPv4" : "IPv6") + " address");
          }
          d.address(n.get("ip_address").field(), c);
          for (Node r : n.get("routes").items(NicDraft.MAX_ROUTES)) {
            Cidr to = IpLiterals.cidr(r.get("network"), r.get("netmask"));
            d.route(r.field(), to, IpLiterals.address(r.get("gateway")), OptionalInt.empty());
          }
        }
        case "ipv4_dhcp" -> d.dhcp4 = true;
        case "ipv6_dhcp", "ipv6_dhcpv6-stateful" -> d.dhcp6 = true;
        case "ipv6_slaac", "ipv6_dhcpv6-stateless" -> d.slaac = true;
        default -> throw n.get("type").error("unknown network type: " + Values.quote(type));
      }
      dns(n.get("services"), nameservers);
    }
    dns(root.get("services"), nameservers);
    List<Nic> nics = new ArrayList<>();
    for (NicDraft d : links.values()) {
      if (d != null) {
        nics.add(d.toNic());
      }
    }
    return Optional.of(new Network(nics, nameservers, List.of()));
  }

  private static void dns(Node services, List<InetAddress> out) throws ConfigException {
    for (Node s : services.items(32)) {
      if (s.get("type").optString().filter("dns"::equals).isPresent()) {
        NicDraft.addNameserver(out, s.get("address").field(), IpLiterals.address(s.get("address")));
      }
    }
  }
}
