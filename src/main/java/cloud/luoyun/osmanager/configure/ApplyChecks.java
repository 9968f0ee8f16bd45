package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.config.NetworkEntry;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a config must also satisfy before it may touch a system, beyond parsing (which the config
 * package does): NIC addresses and gateways are usable unicast host addresses, the mask is not /0,
 * the gateway lies in the NIC's subnet, MACs are unicast and not repeated, name servers are
 * unicast. All checked before any step runs, so a bad value changes nothing.
 *
 * <p>{@link #check(InstanceConfig)} names LuoYun's fields ({@code network[0].gateway});
 * {@link #check(InstanceSpec)} checks any source's spec the same way and more (IPv6, routes, MTU,
 * interface names, search domains), naming the spec's fields ({@code network[0].routes[1].to}):
 * each source's mapping names its own file's fields first, this is the last word before a system
 * is touched.
 */
final class ApplyChecks {
  private ApplyChecks() {}

  static void check(InstanceConfig config) throws ConfigException {
    List<NetworkEntry> network = config.settings().network();
    List<InstanceSpec.Nic> spec = InstanceSpec.of(config).network().orElseThrow().nics();
    Map<MacAddress, Integer> macs = new HashMap<>();
    Map<Ipv4Address, Integer> ips = new HashMap<>();
    for (int i = 0; i < network.size(); i++) {
      NetworkEntry e = network.get(i);
      String f = "network[" + i + "]";
      if (e.mac().isPresent()) {
        checkMac(f + ".mac", e.mac().get());
        Integer before = macs.putIfAbsent(e.mac().get(), i);
        if (before != null) {
          throw new ConfigException(f + ".mac", "same MAC as network[" + before + "]");
        }
      }
      for (Ipv4Address ns : e.nameservers()) {
        checkNameserver(f + ".nameservers", ns);
      }
      if (e.ip().isEmpty()) {
        continue;
      }
      Ipv4Address ip = e.ip().get();
      checkHost(f + ".ip", ip);
      Integer before = ips.putIfAbsent(ip, i);
      if (before != null) {
        throw new ConfigException(f + ".ip", "same address as network[" + before + "]");
      }
      int prefix = spec.get(i).addresses().get(0).prefix(); // the spec holds the default prefix
      if (prefix == 0) {
        throw new ConfigException(f + ".netmask", "0.0.0.0 would put every address on this NIC");
      }
      int mask = -1 << (32 - prefix);
      if (prefix <= 30 && ((ip.bits() & ~mask) == 0 || (ip.bits() | mask) == -1)) {
        throw new ConfigException(f + ".ip", ip + " is the network or broadcast address of /" + prefix);
      }
      if (e.gateway().isPresent()) {
        Ipv4Address gw = e.gateway().get();
        checkHost(f + ".gateway", gw);
        if (gw.equals(ip)) {
          throw new ConfigException(f + ".gateway", "is the NIC's own address");
        }
        if (prefix < 32 && (gw.bits() & mask) != (ip.bits() & mask)) {
          throw new ConfigException(f + ".gateway", gw + " is not in " + ip + "/" + prefix);
        }
        if (prefix <= 30 && ((gw.bits() & ~mask) == 0 || (gw.bits() | mask) == -1)) {
          throw new ConfigException(f + ".gateway", gw + " is the network or broadcast address of /" + prefix);
        }
      }
    }
    for (Ipv4Address ns : config.settings().nameservers()) {
      checkNameserver("nameservers", ns);
    }
  }

  /** Any source's spec: LuoYun's by its config's fields, the others' network by the spec's. */
  static void check(InstanceSpec spec) throws ConfigException {
    if (spec.luoyun().isPresent()) {
      check(spec.luoyun().get());
    } else if (spec.network().isPresent()) {
      check(spec.network().get());
    }
  }

  /** Search domains: RFC 1123 names (letters, digits, '-', '_' as some sites use), 253 characters at most. */
  private static final Pattern DOMAIN =
      Pattern.compile("(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
  static final int MIN_MTU = 68;
  static final int MIN_MTU_V6 = 1280;
  static final int MAX_MTU = 65535;

  static void check(InstanceSpec.Network network) throws ConfigException {
    Map<MacAddress, Integer> macs = new HashMap<>();
    Map<String, Integer> names = new HashMap<>();
    Map<InetAddress, Integer> ips = new HashMap<>();
    List<InstanceSpec.Nic> nics = network.nics();
    for (int i = 0; i < nics.size(); i++) {
      InstanceSpec.Nic n = nics.get(i);
      String f = "network[" + i + "]";
      if (n.mac().isPresent()) {
        checkMac(f + ".mac", n.mac().get());
        Integer before = macs.putIfAbsent(n.mac().get(), i);
        if (before != null) {
          throw new ConfigException(f + ".mac", "same MAC as network[" + before + "]");
        }
      }
      if (n.name().isPresent()) {
        if (!Ip.isInterfaceName(n.name().get())) {
          throw new ConfigException(f + ".name", "not an interface name (1..15 of A-Z a-z 0-9 _ . : @ + -)");
        }
        Integer before = names.putIfAbsent(n.name().get(), i);
        if (before != null) {
          throw new ConfigException(f + ".name", "same name as network[" + before + "]");
        }
      }
      boolean v4 = n.dhcp4();
      boolean v6 = n.dhcp6() || n.slaac();
      for (int j = 0; j < n.addresses().size(); j++) {
        InstanceSpec.Cidr a = n.addresses().get(j);
        String af = f + ".addresses[" + j + "]";
        checkCidrHost(af, a);
        Integer before = ips.putIfAbsent(a.address(), i);
        if (before != null) {
          throw new ConfigException(af, "same address as network[" + before + "]");
        }
        v4 |= !Addresses.isV6(a.address());
        v6 |= Addresses.isV6(a.address());
      }
      if (n.gateway4().isPresent()) {
        checkGateway(f + ".gateway4", n.gateway4().get(), false, v4, n);
      }
      if (n.gateway6().isPresent()) {
        checkGateway(f + ".gateway6", n.gateway6().get(), true, v6, n);
      }
      for (int j = 0; j < n.routes().size(); j++) {
        InstanceSpec.Route r = n.routes().get(j);
        String rf = f + ".routes[" + j + "]";
        boolean r6 = Addresses.isV6(r.via());
        if (Addresses.isV6(r.to().address()) != r6) {
          throw new ConfigException(rf + ".via", Addresses.text(r.via()) + " is not of the family of "
              + Addresses.text(r.to()));
        }
        if (!java.util.Arrays.equals(Addresses.network(r.to().address(), r.to().prefix()), r.to().address().getAddress())) {
          throw new ConfigException(rf + ".to", Addresses.text(r.to()) + " has host bits set");
        }
        checkGateway(rf + ".via", r.via(), r6, r6 ? v6 : v4, n);
      }
      if (n.mtu().isPresent()) {
        int mtu = n.mtu().getAsInt();
        int min = v6 ? MIN_MTU_V6 : MIN_MTU;
        if (mtu < min || mtu > MAX_MTU) {
          throw new ConfigException(f + ".mtu", mtu + " is out of " + min + ".." + MAX_MTU
              + (v6 ? " (IPv6 needs 1280)" : ""));
        }
      }
      for (InetAddress ns : n.nameservers()) {
        checkNameserver(f + ".nameservers", ns);
      }
      checkSearch(f + ".search", n.search());
    }
    for (InetAddress ns : network.nameservers()) {
      checkNameserver("nameservers", ns);
    }
    checkSearch("search", network.search());
  }

  private static void checkCidrHost(String field, InstanceSpec.Cidr a) throws ConfigException {
    InetAddress ip = a.address();
    if (!Addresses.isV6(ip)) {
      checkHost(field, v4(ip));
      int mask = a.prefix() == 0 ? 0 : -1 << (32 - a.prefix());
      int bits = v4(ip).bits();
      if (a.prefix() == 0) {
        throw new ConfigException(field, "/0 would put every address on this NIC");
      }
      if (a.prefix() <= 30 && ((bits & ~mask) == 0 || (bits | mask) == -1)) {
        throw new ConfigException(field, Addresses.text(ip) + " is the network or broadcast address of /" + a.prefix());
      }
      return;
    }
    checkHost6(field, ip);
    if (ip.isLinkLocalAddress()) {
      throw new ConfigException(field, Addresses.text(ip) + " is link-local: the kernel makes the NIC's own");
    }
    if (a.prefix() == 0) {
      throw new ConfigException(field, "/0 would put every address on this NIC");
    }
  }

  /**
   * A gateway (or a route's next hop): of its family, which the NIC must have; a usable host
   * address, not the NIC's own, in one of the NIC's static subnets of that family when it has any
   * (an IPv6 link-local router needs none).
   */
  private static void checkGateway(String field, InetAddress gw, boolean v6, boolean familyOn, InstanceSpec.Nic n)
      throws ConfigException {
    if (Addresses.isV6(gw) != v6) {
      throw new ConfigException(field, Addresses.text(gw) + " is not an IPv" + (v6 ? "6" : "4") + " address");
    }
    if (!familyOn) {
      throw new ConfigException(field, "the NIC has no IPv" + (v6 ? "6" : "4") + " address, static or dynamic");
    }
    if (v6) {
      checkHost6(field, gw);
    } else {
      checkHost(field, v4(gw));
    }
    List<InstanceSpec.Cidr> own = n.addresses().stream().filter(a -> Addresses.isV6(a.address()) == v6).toList();
    if (own.stream().anyMatch(a -> a.address().equals(gw))) {
      throw new ConfigException(field, "is the NIC's own address");
    }
    if (!own.isEmpty() && !(v6 && gw.isLinkLocalAddress()) && own.stream().noneMatch(a -> Addresses.contains(a, gw))) {
      throw new ConfigException(field, Addresses.text(gw) + " is not in "
          + String.join(" or ", own.stream().map(Addresses::text).toList()));
    }
  }

  private static Ipv4Address v4(InetAddress a) {
    return Ipv4Address.of((java.net.Inet4Address) a);
  }

  private static void checkHost6(String field, InetAddress a) throws ConfigException {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress()) {
      throw new ConfigException(field, Addresses.text(a) + " is not a usable host address");
    }
  }

  private static void checkNameserver(String field, InetAddress a) throws ConfigException {
    if (Addresses.isV6(a)) {
      if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
        throw new ConfigException(field, Addresses.text(a) + " is not a usable name server address");
      }
    } else {
      checkNameserver(field, v4(a));
    }
  }

  private static void checkSearch(String field, List<String> search) throws ConfigException {
    for (int i = 0; i < search.size(); i++) {
      if (!DOMAIN.matcher(search.get(i)).matches()) {
        throw new ConfigException(field + "[" + i + "]", "not a domain name");
      }
    }
  }

  private static void checkHost(String field, Ipv4Address a) throws ConfigException {
    int top = a.bits() >>> 24;
    if (a.bits() == 0 || a.bits() == -1 || a.isMulticast() || top == 127 || top == 0 || top >= 240) {
      throw new ConfigException(field, a + " is not a usable host address");
    }
  }

  private static void checkNameserver(String field, Ipv4Address a) throws ConfigException {
    int top = a.bits() >>> 24;
    if (a.bits() == 0 || a.bits() == -1 || a.isMulticast() || top == 0 || top >= 240) {
      throw new ConfigException(field, a + " is not a usable name server address");
    }
  }

  private static void checkMac(String field, MacAddress mac) throws ConfigException {
    int first = Integer.parseInt(mac.value().substring(0, 2), 16);
    if ((first & 1) != 0 || mac.value().equals("00:00:00:00:00:00")) {
      throw new ConfigException(field, mac + " is not a NIC's (unicast) address");
    }
  }
}
