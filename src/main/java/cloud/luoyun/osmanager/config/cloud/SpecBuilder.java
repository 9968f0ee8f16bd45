package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Password;
import cloud.luoyun.osmanager.config.SshPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects what a seed's files say, file by file, into one {@link InstanceSpec}. Accounts are
 * merged by name (keys added, later settings over earlier ones, in the order cloud-init applies
 * them); the default account comes first. Not thread-safe; one per mapping.
 */
final class SpecBuilder {
  private final InstanceSpec.Source source;
  private String instanceId;
  private Optional<HostName> hostname = Optional.empty();
  private boolean manageEtcHosts;
  private String defaultUser = Account.ROOT;
  private final Map<String, Draft> accounts = new LinkedHashMap<>();
  private Optional<Network> network = Optional.empty();
  /** More than this many are counted, not named: a hostile seed could name thousands. */
  static final int MAX_NOT_APPLIED = 64;
  private final List<String> notApplied = new ArrayList<>();
  private int moreNotApplied;
  private final List<String> warnings = new ArrayList<>();

  SpecBuilder(InstanceSpec.Source source, String instanceId) {
    this.source = source;
    this.instanceId = instanceId;
  }

  void instanceId(String id) {
    instanceId = id;
  }

  void hostname(Optional<HostName> h) {
    hostname = h;
  }

  void manageEtcHosts(boolean b) {
    manageEtcHosts = b;
  }

  void defaultUser(String name) {
    defaultUser = name;
  }

  String defaultUser() {
    return defaultUser;
  }

  void network(Optional<Network> n) {
    network = n;
  }

  /**
   * A key or file read and not applied, named as the status shows it ({@code user-data: runcmd},
   * {@code user-data (a script (#!))}); whoever logs the spec makes one warning of them all.
   */
  void notApplied(String what) {
    if (notApplied.contains(what)) {
      return;
    }
    if (notApplied.size() < MAX_NOT_APPLIED) {
      notApplied.add(what);
    } else {
      moreNotApplied++;
    }
  }

  void warn(String line) {
    warnings.add(line);
  }

  /** The account of that name, made on first mention. */
  Draft account(String name) {
    return accounts.computeIfAbsent(name, Draft::new);
  }

  InstanceSpec build() {
    if (moreNotApplied > 0) {
      notApplied.add("and " + moreNotApplied + " more");
    }
    List<Account> out = new ArrayList<>();
    out.add(account(defaultUser).toAccount());
    for (Draft d : accounts.values()) {
      if (!d.name.equals(defaultUser)) {
        out.add(d.toAccount());
      }
    }
    return new InstanceSpec(source, instanceId, hostname, manageEtcHosts, out, network, Optional.empty(),
        notApplied, warnings);
  }

  /** An account as the files have described it so far. */
  static final class Draft {
    final String name;
    Optional<Password> password = Optional.empty();
    Optional<Boolean> lockPassword = Optional.empty();
    final LinkedHashSet<SshPublicKey> keys = new LinkedHashSet<>();
    Optional<String> shell = Optional.empty();
    boolean sudo;

    Draft(String name) {
      this.name = name;
    }

    Account toAccount() {
      return new Account(name, password, lockPassword, List.copyOf(keys), shell, sudo);
    }
  }
}
