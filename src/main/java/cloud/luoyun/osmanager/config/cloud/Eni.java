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

/**
 * An ifupdown {@code interfaces} text as Proxmox's configdrive2 writes it in
 * {@code openstack/content/0000} (and as NoCloud's meta-data may carry it in
 * {@code network-interfaces}): {@code iface NAME inet static|dhcp|manual|loopback} and
 * {@code iface NAME inet6 static|dhcp|auto|manual} stanzas with {@code address} (plain or CIDR),
 * {@code netmask} (dotted, or a prefix length for IPv6), {@code gateway}, {@code hwaddress
 * [ether] MAC}, {@code mtu}, {@code dns-nameservers} and {@code dns-search} (also with '_', as
 * Proxmox writes them under {@code iface lo}: the instance's name servers). {@code auto} and
 * {@code allow-*} lines are taken as given; {@code source}, {@code mapping} and options OS Manager
 * has no use for are listed as not applied. The NICs are matched by {@code hwaddress}, else by name
 * (Proxmox writes {@code eth0}, {@code eth1}, ...).
 */
final class Eni {
  private Eni() {}

  static Optional<Network> parse(String file, String text, SpecBuilder b) throws ConfigException {
    Map<String, NicDraft> nics = new LinkedHashMap<>();
    List<InetAddress> nameservers = new ArrayList<>();
    List<String> search = new ArrayList<>();
    Stanza st = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = file + ": line " + (i + 1);
      String[] w = line.split("[ \t]+");
      switch (w[0]) {
        case "auto", "allow-auto", "allow-hotplug" -> { }
        case "iface" -> {
          finish(st, nics);
          if (w.length < 4) {
            throw new ConfigException(at, "expected: iface NAME inet|inet6 METHOD");
          }
          String name = Names.iface(at + " (iface)", w[1]);
          if (!w[2].equals("inet") && !w[2].equals("inet6")) {
            throw new ConfigException(at, "unknown address family: " + Values.quote(w[2]));
          }
          st = new Stanza(at, name, w[2].equals("inet6"), w[3]);
          if (!name.equals("lo") && !nics.containsKey(name) && nics.size() >= NicDraft.MAX_NICS) {
            throw new ConfigException(at, "more than " + NicDraft.MAX_NICS + " NICs");
          }
          if (!name.equals("lo")) {
            NicDraft d = nics.computeIfAbsent(name, n -> new NicDraft());
            d.name = Optional.of(name);
          }
        }
        case "source", "source-directory", "mapping" -> {
          b.notApplied(file + " (" + w[0] + ")");
          finish(st, nics);
          st = null;
        }
        default -> {
          if (st == null) {
            throw new ConfigException(at, "an option outside an iface stanza: " + Values.quote(w[0]));
          }
          option(file, at, w, st, st.name.equals("lo") ? null : nics.get(st.name), nameservers, search, b);
        }
      }
    }
    finish(st, nics);
    List<Nic> out = new ArrayList<>();
    for (NicDraft d : nics.values()) {
      out.add(d.toNic());
    }
    return Optional.of(new Network(out, nameservers, search));
  }

  private static void option(String file, String at, String[] w, Stanza st, NicDraft d,
      List<InetAddress> nameservers, List<String> search, SpecBuilder b) throws ConfigException {
    String key = w[0];
    String field = at + " (" + key + ")";
    if (w.length < 2) {
      throw new ConfigException(field, "no value");
    }
    switch (key.replace('_', '-')) {
      case "dns-nameservers" -> {
        for (int k = 1; k < w.length; k++) {
          InetAddress a = IpLiterals.address(field, w[k]);
          if (d == null) {
            NicDraft.addNameserver(nameservers, field, a);
          } else {
            d.nameserver(field, a);
          }
        }
      }
      case "dns-search" -> {
        for (int k = 1; k < w.length; k++) {
          if (d == null) {
            NicDraft.addSearch(search, field, w[k]);
          } else {
            d.search(field, w[k]);
          }
        }
      }
      case "address" -> st.address = new Opt(field, w[1]);
      case "netmask" -> st.netmask = new Opt(field, w[1]);
      case "gateway" -> st.gateway = new Opt(field, w[1]);
      case "hwaddress" -> {
        String mac = w.length >= 3 && w[1].equals("ether") ? w[2] : w[1];
        if (d != null) {
          d.mac = Optional.of(MacAddress.parse(field, mac));
        }
      }
      case "mtu" -> {
        if (d != null) {
          d.mtu = Node.root(field, w[1]).optInt(68, 65535);
        }
      }
      default -> b.notApplied(file + " (" + Values.quote(key) + ")");
    }
  }

  /** Applies a finished stanza's method and address to its NIC. */
  private static void finish(Stanza st, Map<String, NicDraft> nics) throws ConfigException {
    if (st == null || st.name.equals("lo")) {
      return;
    }
    NicDraft d = nics.get(st.name);
    switch (st.method) {
      case "static" -> {
        if (st.address == null) {
          throw new ConfigException(st.at, "a static stanza without an address");
        }
        Opt a = st.address;
        Cidr cidr = st.netmask == null
            ? IpLiterals.cidr(a.field, a.value, a.field, null)
            : IpLiterals.cidr(a.field, a.value, st.netmask.field, st.netmask.value);
        if ((cidr.address().getAddress().length == 16) != st.inet6) {
          throw new ConfigException(a.field, "not an " + (st.inet6 ? "IPv6" : "IPv4") + " address");
        }
        d.address(a.field, cidr);
        if (st.gateway != null) {
          InetAddress via = IpLiterals.address(st.gateway.field, st.gateway.value);
          if ((via.getAddress().length == 16) != st.inet6) {
            throw new ConfigException(st.gateway.field, "not an " + (st.inet6 ? "IPv6" : "IPv4") + " address");
          }
          d.gateway(st.gateway.field, via);
        }
      }
      case "dhcp" -> {
        if (st.inet6) {
          d.dhcp6 = true;
        } else {
          d.dhcp4 = true;
        }
      }
      case "auto" -> {
        if (!st.inet6) {
          throw new ConfigException(st.at, "method auto is for inet6 only");
        }
        d.slaac = true;
      }
      case "manual" -> { }
      default -> throw new ConfigException(st.at, "unknown method: " + Values.quote(st.method));
    }
  }

  /** An option's value with its line, for the message when the stanza's end finds it wrong. */
  private record Opt(String field, String value) {}

  /** One {@code iface} stanza being read. */
  private static final class Stanza {
    final String at;
    final String name;
    final boolean inet6;
    final String method;
    Opt address;
    Opt netmask;
    Opt gateway;

    Stanza(String at, String name, boolean inet6, String method) {
      this.at = at;
      this.name = name;
      this.inet6 = inet6;
      this.method = method;
    }
  }
}
