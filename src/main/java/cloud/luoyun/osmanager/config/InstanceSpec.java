package cloud.luoyun.osmanager.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the cloud asks of this instance, whichever source handed it over: LuoYun's config floppy, a
 * NoCloud volume ({@code cidata}) or an OpenStack config drive ({@code config-2}). It is the one
 * description every configure step reads; each source maps into it (LuoYun's config by
 * {@link #of(InstanceConfig)}, the others in {@code config/cloud}). The values are validated by
 * whoever builds the spec (a bad value is a {@link ConfigException} naming the file and field);
 * the records here only hold them. {@link #toString()} never shows a secret.
 *
 * @param source where the spec came from
 * @param instanceId what makes an instance new (new host keys, a new terminal certificate):
 *     LuoYun's TAG in decimal, NoCloud's {@code instance-id} ({@code nocloud} when the seed has
 *     none, as cloud-init does), ConfigDrive's {@code uuid}
 * @param hostname the host name to set; empty: leave it as it is
 * @param manageEtcHosts cloud-init's {@code manage_etc_hosts: true}: a {@code 127.0.1.1 fqdn short}
 *     line in {@code /etc/hosts}
 * @param accounts the accounts to set up, the default user first (root unless {@code user:} names
 *     another); LuoYun's config has root only
 * @param network the NICs to configure; empty: leave the network as it is
 * @param luoyun the LuoYun config itself (controller, cookie, web terminal settings): present only
 *     when {@link #source} is {@link Source#LUOYUN}
 * @param notApplied the keys the source gave that OS Manager reads and does not apply (cloud-init's
 *     {@code runcmd}, {@code packages}, ...), for one warning and for {@code status}
 * @param warnings other things worth one log line each (never a secret)
 */
public record InstanceSpec(Source source, String instanceId, Optional<HostName> hostname, boolean manageEtcHosts,
    List<Account> accounts, Optional<Network> network, Optional<InstanceConfig> luoyun, List<String> notApplied,
    List<String> warnings) {

  public InstanceSpec {
    Objects.requireNonNull(source);
    Objects.requireNonNull(instanceId);
    Objects.requireNonNull(hostname);
    accounts = List.copyOf(accounts);
    Objects.requireNonNull(network);
    Objects.requireNonNull(luoyun);
    notApplied = List.copyOf(notApplied);
    warnings = List.copyOf(warnings);
  }

  /** The kinds of source, by the names {@code --sources} and {@code status} use. */
  public enum Source {
    LUOYUN, NOCLOUD, CONFIGDRIVE;

    /** {@code luoyun}, {@code nocloud}, {@code configdrive}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A host name: {@code shortName} is one RFC 1123 label (1..63 letters, digits, '-', not at either
   * end); {@code fqdn}, when given, is that label followed by more labels, 253 characters at most.
   */
  public record HostName(String shortName, Optional<String> fqdn) {
    public HostName {
      Objects.requireNonNull(shortName);
      Objects.requireNonNull(fqdn);
    }

    /** The fully qualified name when there is one, else the short name. */
    public String fullName() {
      return fqdn.orElse(shortName);
    }
  }

  /**
   * One account to set up. Root is never created; another name that does not exist is (home,
   * {@code shell} or the system's default, the {@code sudo} group where it exists when
   * {@code sudo}).
   *
   * @param password the password to set; empty: leave it as it is
   * @param lockPassword true: lock password login ({@code !} before the hash); false: unlock; empty:
   *     leave the lock as it is
   * @param keys keys to merge into the account's {@code ~/.ssh/authorized_keys}, as root's key is
   *     merged today (the file's other lines stay)
   */
  public record Account(String name, Optional<Password> password, Optional<Boolean> lockPassword,
      List<SshPublicKey> keys, Optional<String> shell, boolean sudo) {
    public static final String ROOT = "root";

    public Account {
      Objects.requireNonNull(name);
      Objects.requireNonNull(password);
      Objects.requireNonNull(lockPassword);
      keys = List.copyOf(keys);
      Objects.requireNonNull(shell);
    }

    public boolean isRoot() {
      return ROOT.equals(name);
    }
  }

  /**
   * A password as the source gave it: a crypt(3) hash to store as it is, or plain text, which the
   * password step hashes (SHA-512 crypt) and never writes or logs as given.
   */
  public sealed interface Password {
    record Hashed(CryptHash hash) implements Password {}

    /** Plain text: 1..256 characters, no NUL or line break (checked by the source's mapping). */
    record Plain(String text) implements Password {
      public Plain {
        Objects.requireNonNull(text);
      }

      @Override
      public String toString() {
        return "Plain[****]";
      }
    }
  }

  /**
   * The network the instance should have.
   *
   * @param nameservers the instance's name servers (IPv4 or IPv6), in order, besides each NIC's own
   * @param search search domains for {@code resolv.conf}
   */
  public record Network(List<Nic> nics, List<InetAddress> nameservers, List<String> search) {
    public Network {
      nics = List.copyOf(nics);
      nameservers = List.copyOf(nameservers);
      search = List.copyOf(search);
    }
  }

  /**
   * One NIC, matched by {@code mac} (by {@code name} only when the source gives no MAC). A NIC with
   * no address and no DHCP or SLAAC is left as it is.
   *
   * @param addresses static addresses with their prefix, IPv4 and IPv6
   * @param dhcp4 an IPv4 address by DHCP
   * @param dhcp6 an IPv6 address by DHCPv6
   * @param slaac IPv6 addresses by router advertisement only
   */
  public record Nic(Optional<MacAddress> mac, Optional<String> name, OptionalInt mtu, List<Cidr> addresses,
      boolean dhcp4, boolean dhcp6, boolean slaac, Optional<InetAddress> gateway4, Optional<InetAddress> gateway6,
      List<Route> routes, List<InetAddress> nameservers, List<String> search) {
    public Nic {
      Objects.requireNonNull(mac);
      Objects.requireNonNull(name);
      Objects.requireNonNull(mtu);
      addresses = List.copyOf(addresses);
      Objects.requireNonNull(gateway4);
      Objects.requireNonNull(gateway6);
      routes = List.copyOf(routes);
      nameservers = List.copyOf(nameservers);
      search = List.copyOf(search);
    }
  }

  /** An address with its prefix length ({@code 10.0.2.15/24}, {@code 2001:db8::5/64}). */
  public record Cidr(InetAddress address, int prefix) {
    public Cidr {
      int max = address.getAddress().length * 8;
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("prefix " + prefix + " out of 0.." + max);
      }
    }

    @Override
    public String toString() {
      return address.getHostAddress() + "/" + prefix;
    }
  }

  /** A route to {@code to} through {@code via}. */
  public record Route(Cidr to, InetAddress via, OptionalInt metric) {}

  /**
   * LuoYun's config as a spec: root's password hash and key, the config's NICs (IPv4, matched by
   * MAC; an entry without {@code ip} is left as it is; the gateway of the first entry only, the
   * default route LuoYun always set) and name servers, the TAG as instance id. No
   * host name (LuoYun's {@code domain.name} is the page's, not the system's).
   */
  public static InstanceSpec of(InstanceConfig config) {
    InstanceSettings s = config.settings();
    Account root = new Account(Account.ROOT, s.passwdHash().map(Password.Hashed::new), Optional.empty(),
        s.publicKey().map(List::of).orElse(List.of()), Optional.empty(), false);
    List<Nic> nics = new ArrayList<>();
    for (NetworkEntry e : s.network()) {
      // LuoYun's default route is its first entry's gateway; the others' gateways were never used.
      boolean first = nics.isEmpty();
      List<Cidr> addresses = e.ip().isPresent()
          ? List.of(new Cidr(e.ip().get().toInetAddress(), e.netmask().map(Netmask::prefixLength).orElse(24)))
          : List.of();
      nics.add(new Nic(e.mac(), Optional.empty(), OptionalInt.empty(), addresses, false, false, false,
          first && e.ip().isPresent() ? e.gateway().map(Ipv4Address::toInetAddress) : Optional.empty(),
          Optional.empty(),
          List.of(), e.nameservers().stream().map(Ipv4Address::toInetAddress).toList(), List.of()));
    }
    Network network = new Network(nics, s.nameservers().stream().map(Ipv4Address::toInetAddress).toList(), List.of());
    return new InstanceSpec(Source.LUOYUN, Integer.toString(config.tag()), Optional.empty(), false, List.of(root),
        Optional.of(network), Optional.of(config), List.of(), config.warnings());
  }
}
