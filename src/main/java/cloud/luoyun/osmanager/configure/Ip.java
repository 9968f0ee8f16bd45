package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.util.Processes;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * iproute2, always as an argument list: {@code ip [-n NETNS] ...}. Reads state with {@code ip -j}
 * (JSON) so that it sees the NICs of the namespace it configures, which {@code /sys/class/net} of
 * this process would not when the netns is given. Not thread-safe.
 */
final class Ip {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Kernel interface names: at most 15 bytes, no '/', no whitespace. */
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.:@+-]{1,15}");

  /** One address on a link, IPv4 or IPv6. */
  record Address(InetAddress local, int prefixLength, String scope) {
    boolean isV6() {
      return Addresses.isV6(local);
    }

    /** Global (or site) scope: not the kernel's own link-local or loopback address. */
    boolean global() {
      return !"host".equals(scope) && !"link".equals(scope);
    }

    @Override
    public String toString() {
      return Addresses.text(local) + "/" + prefixLength;
    }
  }

  /** One link as {@code ip -d addr show} lists it. */
  record Link(int index, String name, Optional<MacAddress> mac, String linkType, String kind,
      boolean up, int mtu, List<Address> addresses) {
    /** An Ethernet NIC the config can mean: physical (no link kind) or a container's veth. */
    boolean isNic() {
      return "ether".equals(linkType) && (kind.isEmpty() || "veth".equals(kind));
    }
  }

  /** A route of the main table; {@code dst} with prefix 0 is the default route. */
  record Route(InetAddress dst, int prefix, Optional<InetAddress> gateway, String dev, int metric) {}

  private final CommandRunner runner;
  private final Optional<String> netns;

  Ip(CommandRunner runner, Optional<String> netns) {
    this.runner = runner;
    this.netns = netns;
  }

  List<String> argv(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("ip");
    netns.ifPresent(ns -> {
      argv.add("-n");
      argv.add(ns);
    });
    argv.addAll(List.of(args));
    return argv;
  }

  /** Runs a changing command; fails with ip's own message. */
  void run(String... args) throws IOException, InterruptedException {
    Processes.Result r = runner.run(argv(args), TIMEOUT, Map.of());
    if (!r.ok()) {
      throw new IOException(String.join(" ", args) + ": " + (r.timedOut() ? "timed out"
          : r.output().strip().lines().reduce((a, b) -> b).orElse("exit " + r.exitCode())));
    }
  }

  private List<Object> query(String... args) throws IOException, InterruptedException {
    Processes.Result r = runner.run(argv(args), TIMEOUT, Map.of());
    if (!r.ok()) {
      throw new IOException("ip " + String.join(" ", args) + ": "
          + (r.timedOut() ? "timed out" : r.output().strip()));
    }
    String out = r.output().strip();
    return out.isEmpty() ? List.of() : JSON.std.listFrom(out);
  }

  /** Every link, ordered by kernel index (probe order). */
  List<Link> links() throws IOException, InterruptedException {
    List<Link> links = new ArrayList<>();
    for (Object o : query("-j", "-d", "addr", "show")) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("ifname") instanceof String name)
          || !IFNAME.matcher(name).matches()) {
        continue;
      }
      int index = m.get("ifindex") instanceof Number n ? n.intValue() : Integer.MAX_VALUE;
      Optional<MacAddress> mac = Optional.empty();
      if (m.get("address") instanceof String a) {
        try {
          mac = Optional.of(MacAddress.parse("address", a));
        } catch (ConfigException e) {
          // not an Ethernet address (loopback, tunnels)
        }
      }
      String kind = m.get("linkinfo") instanceof Map<?, ?> li && li.get("info_kind") instanceof String k ? k : "";
      boolean up = m.get("flags") instanceof List<?> flags && flags.contains("UP");
      int mtu = m.get("mtu") instanceof Number n ? n.intValue() : 0;
      links.add(new Link(index, name, mac, String.valueOf(m.get("link_type")), kind, up, mtu,
          addresses(m.get("addr_info"))));
    }
    links.sort(Comparator.comparingInt(Link::index));
    return links;
  }

  /** Whether {@code name} can be a kernel interface name (and so safe in a file or argument list). */
  static boolean isInterfaceName(String name) {
    return IFNAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  private static List<Address> addresses(Object addrInfo) {
    List<Address> out = new ArrayList<>();
    if (addrInfo instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> a && ("inet".equals(a.get("family")) || "inet6".equals(a.get("family")))
            && a.get("local") instanceof String local && a.get("prefixlen") instanceof Number p) {
          // ip printed something that is not an address: not ours to manage
          Addresses.parse(local).ifPresent(l -> out.add(new Address(l, p.intValue(), String.valueOf(a.get("scope")))));
        }
      }
    }
    return out;
  }

  /** The routes of the main table of one family. */
  List<Route> routes(boolean v6) throws IOException, InterruptedException {
    List<Route> routes = new ArrayList<>();
    for (Object o : query("-j", v6 ? "-6" : "-4", "route", "show")) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("dev") instanceof String dev) || !(m.get("dst") instanceof String d)) {
        continue;
      }
      Optional<InetAddress> dst;
      int prefix;
      if (d.equals("default")) {
        dst = Addresses.parse(v6 ? "::" : "0.0.0.0");
        prefix = 0;
      } else {
        int slash = d.indexOf('/');
        dst = Addresses.parse(slash < 0 ? d : d.substring(0, slash));
        try {
          prefix = slash < 0 ? (v6 ? 128 : 32) : Integer.parseInt(d.substring(slash + 1));
        } catch (NumberFormatException e) {
          continue;
        }
      }
      if (dst.isEmpty()) {
        continue;
      }
      Optional<InetAddress> gw = m.get("gateway") instanceof String g ? Addresses.parse(g) : Optional.empty();
      int metric = m.get("metric") instanceof Number n ? n.intValue() : 0;
      routes.add(new Route(dst.get(), prefix, gw, dev, metric));
    }
    return routes;
  }
}
