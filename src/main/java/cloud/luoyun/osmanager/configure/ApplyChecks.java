package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.config.NetworkEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a config must also satisfy before it may touch a system, beyond parsing (which the config
 * package does): NIC addresses and gateways are usable unicast host addresses, the mask is not /0,
 * the gateway lies in the NIC's subnet, MACs are unicast and not repeated, name servers are
 * unicast. All checked before any step runs, so a bad value changes nothing.
 */
final class ApplyChecks {
  private ApplyChecks() {}

  static void check(InstanceConfig config) throws ConfigException {
    List<NetworkEntry> network = config.settings().network();
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
      int prefix = NicStep.prefix(e);
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
