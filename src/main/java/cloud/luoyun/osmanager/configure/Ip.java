package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.util.Processes;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
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

  /** One inet address on a link. */
  record Address(Ipv4Address local, int prefixLength, String scope) {
    @Override
    public String toString() {
      return local + "/" + prefixLength;
    }
  }

  /** One link as {@code ip -d addr show} lists it. */
  record Link(int index, String name, Optional<MacAddress> mac, String linkType, String kind,
      boolean up, List<Address> inet) {
    /** An Ethernet NIC the config can mean: physical (no link kind) or a container's veth. */
    boolean isNic() {
      return "ether".equals(linkType) && (kind.isEmpty() || "veth".equals(kind));
    }
  }

  /** A default route in the main table. */
  record Route(Optional<Ipv4Address> gateway, String dev, int metric) {}

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
      links.add(new Link(index, name, mac, String.valueOf(m.get("link_type")), kind, up, inet(m.get("addr_info"))));
    }
    links.sort(Comparator.comparingInt(Link::index));
    return links;
  }

  private static List<Address> inet(Object addrInfo) {
    List<Address> out = new ArrayList<>();
    if (addrInfo instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> a && "inet".equals(a.get("family")) && a.get("local") instanceof String local
            && a.get("prefixlen") instanceof Number p) {
          try {
            out.add(new Address(Ipv4Address.parse("local", local), p.intValue(), String.valueOf(a.get("scope"))));
          } catch (ConfigException e) {
            // ip printed something that is not a dotted quad: not ours to manage
          }
        }
      }
    }
    return out;
  }

  /** Default routes of the main table. */
  List<Route> defaultRoutes() throws IOException, InterruptedException {
    List<Route> routes = new ArrayList<>();
    for (Object o : query("-j", "-4", "route", "show", "default")) {
      if (o instanceof Map<?, ?> m && m.get("dev") instanceof String dev) {
        Optional<Ipv4Address> gw = Optional.empty();
        if (m.get("gateway") instanceof String g) {
          try {
            gw = Optional.of(Ipv4Address.parse("gateway", g));
          } catch (ConfigException e) {
            // leave empty
          }
        }
        int metric = m.get("metric") instanceof Number n ? n.intValue() : 0;
        routes.add(new Route(gw, dev, metric));
      }
    }
    return routes;
  }
}
