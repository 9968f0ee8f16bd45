package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The host's own IPv4 addresses, read from the kernel ({@code /proc/net/route} and the JDK's
 * interface list, which uses netlink/ioctl): no commands are run.
 *
 * <p>Stateless and thread-safe; each call reads afresh (callers cache).
 */
final class HostAddresses {
  /** One interface and its IPv4 addresses in CIDR form, e.g. {@code ens3 [10.0.0.5/24]}. */
  record Interface(String name, List<String> ipv4) {}

  private final Path procNetRoute;

  HostAddresses(Path procNetRoute) {
    this.procNetRoute = procNetRoute;
  }

  static HostAddresses system() {
    return new HostAddresses(Path.of("/proc/net/route"));
  }

  /**
   * The host's primary IPv4 address: the first address of the interface that carries the default
   * route (lowest metric), else the first address of any interface that is up and not loopback.
   */
  Optional<String> primaryIpv4() {
    Optional<String> viaDefaultRoute = defaultRouteInterface().flatMap(HostAddresses::firstIpv4Of);
    if (viaDefaultRoute.isPresent()) {
      return viaDefaultRoute;
    }
    for (Interface i : interfaces()) {
      if (!i.ipv4().isEmpty() && !i.name().equals("lo")) {
        String cidr = i.ipv4().get(0);
        return Optional.of(cidr.substring(0, cidr.indexOf('/')));
      }
    }
    return Optional.empty();
  }

  /** Interfaces that are up and have at least one IPv4 address, loopback excluded, by name. */
  List<Interface> interfaces() {
    List<Interface> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        List<String> v4 = new ArrayList<>();
        for (InterfaceAddress a : ni.getInterfaceAddresses()) {
          if (a.getAddress() instanceof Inet4Address) {
            v4.add(a.getAddress().getHostAddress() + "/" + a.getNetworkPrefixLength());
          }
        }
        if (!v4.isEmpty()) {
          out.add(new Interface(ni.getName(), List.copyOf(v4)));
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /**
   * The interface of the default route in {@code /proc/net/route}: lines of
   * {@code Iface Destination Gateway Flags RefCnt Use Metric Mask ...}, hex fields; the default
   * route has destination and mask 00000000 and the RTF_UP flag (0x1).
   */
  Optional<String> defaultRouteInterface() {
    List<String> lines;
    try {
      lines = Files.readAllLines(procNetRoute, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    String best = null;
    long bestMetric = Long.MAX_VALUE;
    for (int n = 1; n < lines.size() && n < 10_000; n++) {
      String[] f = lines.get(n).trim().split("\\s+");
      if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
        continue;
      }
      try {
        int flags = Integer.parseInt(f[3], 16);
        long metric = Long.parseLong(f[6]);
        if ((flags & 0x1) != 0 && metric < bestMetric) {
          best = f[0];
          bestMetric = metric;
        }
      } catch (NumberFormatException e) {
        // a line we do not understand is skipped
      }
    }
    return Optional.ofNullable(best);
  }

  private static Optional<String> firstIpv4Of(String name) {
    try {
      NetworkInterface ni = NetworkInterface.getByName(name);
      if (ni == null) {
        return Optional.empty();
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return Optional.of(a.getHostAddress());
        }
      }
    } catch (SocketException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
