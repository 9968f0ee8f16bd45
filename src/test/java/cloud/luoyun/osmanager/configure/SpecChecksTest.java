package cloud.luoyun.osmanager.configure;

import static cloud.luoyun.osmanager.configure.SpecNetworkTest.cidr;
import static cloud.luoyun.osmanager.configure.SpecNetworkTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec.Cidr;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.config.InstanceSpec.Route;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks any source's network passes before a step touches the system (LuoYun's keep their
 * own field names, in HostileConfigTest), and the one text form of addresses every file gets.
 */
class SpecChecksTest {

  static Nic nic(Optional<String> name, OptionalInt mtu, List<Cidr> addresses, boolean dhcp4, boolean slaac,
      Optional<InetAddress> gw4, Optional<InetAddress> gw6, List<Route> routes, List<String> search) {
    return new Nic(Optional.of(SpecNetworkTest.mac(SpecNetworkTest.MAC)), name, mtu, addresses, dhcp4, false, slaac,
        gw4, gw6, routes, List.of(), search);
  }

  static Nic v4(List<Cidr> addresses, Optional<InetAddress> gw4, List<Route> routes) {
    return nic(Optional.empty(), OptionalInt.empty(), addresses, false, false, gw4, Optional.empty(), routes, List.of());
  }

  static Stream<Arguments> refused() {
    Optional<InetAddress> none = Optional.empty();
    List<Cidr> ten = List.of(cidr("10.0.0.5/24"));
    return Stream.of(
        Arguments.of(v4(ten, Optional.of(ip("10.1.0.1")), List.of()),
            "network[0].gateway4: 10.1.0.1 is not in 10.0.0.5/24"),
        Arguments.of(v4(List.of(cidr("10.0.0.0/24")), none, List.of()),
            "network[0].addresses[0]: 10.0.0.0 is the network or broadcast address of /24"),
        Arguments.of(v4(List.of(cidr("fe80::5/64")), none, List.of()),
            "network[0].addresses[0]: fe80::5 is link-local: the kernel makes the NIC's own"),
        Arguments.of(v4(List.of(cidr("2001:db8::5/0")), none, List.of()),
            "network[0].addresses[0]: /0 would put every address on this NIC"),
        Arguments.of(v4(ten, none, List.of(new Route(cidr("192.168.1.7/24"), ip("10.0.0.254"), OptionalInt.empty()))),
            "network[0].routes[0].to: 192.168.1.7/24 has host bits set"),
        Arguments.of(v4(ten, none, List.of(new Route(cidr("2001:db8::/32"), ip("10.0.0.254"), OptionalInt.empty()))),
            "network[0].routes[0].via: 10.0.0.254 is not of the family of 2001:db8::/32"),
        Arguments.of(v4(ten, none, List.of(new Route(cidr("2001:db8::/32"), ip("2001:db8::1"), OptionalInt.empty()))),
            "network[0].routes[0].via: the NIC has no IPv6 address, static or dynamic"),
        Arguments.of(nic(Optional.empty(), OptionalInt.empty(), List.of(cidr("2001:db8::5/64")), false, false,
            Optional.of(ip("10.0.0.1")), none, List.of(), List.of()),
            "network[0].gateway4: the NIC has no IPv4 address, static or dynamic"),
        Arguments.of(nic(Optional.empty(), OptionalInt.of(1000), List.of(), false, true, none, none, List.of(),
            List.of()), "network[0].mtu: 1000 is out of 1280..65535 (IPv6 needs 1280)"),
        Arguments.of(nic(Optional.of("eth0; reboot"), OptionalInt.empty(), ten, false, false, none, none, List.of(),
            List.of()), "network[0].name: not an interface name (1..15 of A-Z a-z 0-9 _ . : @ + -)"),
        Arguments.of(nic(Optional.empty(), OptionalInt.empty(), ten, false, false, none, none, List.of(),
            List.of("example.org", "evil\nnameserver 6.6.6.6")), "network[0].search[1]: not a domain name"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void aHostileNetworkIsRefusedNamingTheField(Nic n, String message) {
    assertThatThrownBy(() -> ApplyChecks.check(new Network(List.of(n), List.of(), List.of())))
        .isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void aDualStackNicWithALinkLocalRouterPasses() {
    Nic n = nic(Optional.of("ens3"), OptionalInt.of(1500), List.of(cidr("10.0.0.5/24"), cidr("2001:db8::5/64")),
        false, true, Optional.of(ip("10.0.0.1")), Optional.of(ip("fe80::1")),
        List.of(new Route(cidr("2001:db8:99::/48"), ip("2001:db8::fe"), OptionalInt.of(10))), List.of("example.org"));

    assertThatCode(() -> ApplyChecks.check(new Network(List.of(n), List.of(ip("2001:4860:4860::8888")),
        List.of("lab.example.org")))).doesNotThrowAnyException();
  }

  @Test
  void twoNicsWithTheSameMacAreRefused() {
    Nic n = v4(List.of(cidr("10.0.0.5/24")), Optional.empty(), List.of());
    Nic other = v4(List.of(cidr("10.0.1.5/24")), Optional.empty(), List.of());

    assertThatThrownBy(() -> ApplyChecks.check(new Network(List.of(n, other), List.of(), List.of())))
        .hasMessage("network[1].mac: same MAC as network[0]");
  }

  @ParameterizedTest
  @CsvSource({"2001:0db8:0:0:0:0:0:1, 2001:db8::1", "0:0:0:0:0:0:0:0, ::", "::1, ::1",
      "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1", "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:db8:1:1:1:1:1:0, 2001:db8:1:1:1:1:1:0", "FE80:0:0:0:0:0:0:AB, fe80::ab", "10.0.0.5, 10.0.0.5"})
  void addressesAreWrittenInRfc5952Form(String given, String written) {
    assertThat(Addresses.text(ip(given))).isEqualTo(written);
  }

  @Test
  void onlyLiteralsAreParsedSoNoNameIsEverLookedUp() {
    assertThat(Addresses.parse("example.org")).isEmpty();
    assertThat(Addresses.parse("dead.beef")).isEmpty();
    assertThat(Addresses.parse("10.1")).isEmpty();
    assertThat(Addresses.parse("fe80::1%eth0")).isEmpty();
    assertThat(Addresses.parse("10.0.0.1")).contains(ip("10.0.0.1"));
  }
}
