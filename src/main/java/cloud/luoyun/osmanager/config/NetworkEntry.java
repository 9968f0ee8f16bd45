package cloud.luoyun.osmanager.config;

import java.util.List;
import java.util.Optional;

/**
 * One JSON {@code network[i]} entry: the i-th NIC. Without {@code ip} the NIC is left to DHCP or
 * as it is.
 */
public record NetworkEntry(Optional<Ipv4Address> ip, Optional<Netmask> netmask, Optional<Ipv4Address> gateway,
    Optional<MacAddress> mac, Optional<String> type, List<Ipv4Address> nameservers) {
  public NetworkEntry {
    nameservers = List.copyOf(nameservers);
  }
}
