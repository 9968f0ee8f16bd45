package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec.Cidr;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.config.InstanceSpec.Route;
import cloud.luoyun.osmanager.config.MacAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A NIC as a network file describes it so far, for the three network formats (version 1 and 2,
 * {@code network_data.json}, ifupdown text). A route to the default destination ({@code 0.0.0.0/0},
 * {@code ::/0}, netplan's {@code to: default}) is the NIC's gateway, as the formats mean it; a
 * second gateway for the same family is refused, since a NIC has one.
 */
final class NicDraft {
  static final int MAX_NICS = 16;
  static final int MAX_ADDRESSES = 32;
  static final int MAX_ROUTES = 64;
  static final int MAX_NAMESERVERS = 8;
  static final int MAX_SEARCH = 8;

  Optional<MacAddress> mac = Optional.empty();
  Optional<String> name = Optional.empty();
  OptionalInt mtu = OptionalInt.empty();
  final List<Cidr> addresses = new ArrayList<>();
  boolean dhcp4;
  boolean dhcp6;
  boolean slaac;
  Optional<InetAddress> gateway4 = Optional.empty();
  Optional<InetAddress> gateway6 = Optional.empty();
  final List<Route> routes = new ArrayList<>();
  final List<InetAddress> nameservers = new ArrayList<>();
  final List<String> search = new ArrayList<>();

  void address(String field, Cidr c) throws ConfigException {
    if (addresses.size() >= MAX_ADDRESSES) {
      throw new ConfigException(field, "more than " + MAX_ADDRESSES + " addresses on one NIC");
    }
    addresses.add(c);
  }

  void gateway(String field, InetAddress via) throws ConfigException {
    if (via instanceof Inet4Address) {
      if (gateway4.isPresent() && !gateway4.get().equals(via)) {
        throw new ConfigException(field, "a second IPv4 gateway for the same NIC");
      }
      gateway4 = Optional.of(via);
    } else {
      if (gateway6.isPresent() && !gateway6.get().equals(via)) {
        throw new ConfigException(field, "a second IPv6 gateway for the same NIC");
      }
      gateway6 = Optional.of(via);
    }
  }

  void route(String field, Cidr to, InetAddress via, OptionalInt metric) throws ConfigException {
    if (to.address().getClass() != via.getClass()) {
      throw new ConfigException(field, "the gateway is not of the destination's family");
    }
    if (to.prefix() == 0 && metric.isEmpty()) {
      gateway(field, via);
      return;
    }
    if (routes.size() >= MAX_ROUTES) {
      throw new ConfigException(field, "more than " + MAX_ROUTES + " routes on one NIC");
    }
    routes.add(new Route(to, via, metric));
  }

  void nameserver(String field, InetAddress a) throws ConfigException {
    addNameserver(nameservers, field, a);
  }

  void search(String field, String domain) throws ConfigException {
    addSearch(search, field, domain);
  }

  static void addNameserver(List<InetAddress> list, String field, InetAddress a) throws ConfigException {
    if (list.contains(a)) {
      return;
    }
    if (list.size() >= MAX_NAMESERVERS) {
      throw new ConfigException(field, "more than " + MAX_NAMESERVERS + " name servers");
    }
    list.add(a);
  }

  static void addSearch(List<String> list, String field, String domain) throws ConfigException {
    String d = Names.dnsName(field, domain);
    if (list.contains(d)) {
      return;
    }
    if (list.size() >= MAX_SEARCH) {
      throw new ConfigException(field, "more than " + MAX_SEARCH + " search domains");
    }
    list.add(d);
  }

  Nic toNic() {
    return new Nic(mac, name, mtu, addresses, dhcp4, dhcp6, slaac, gateway4, gateway6, routes, nameservers, search);
  }
}
