package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.util.ImageRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What every step of one run sees: the validated config, the paths, the seams. One per run. */
final class Context {
  /** What the source asks for, the one description steps read. */
  final InstanceSpec spec;
  /** LuoYun's config, for the steps not yet reading {@link #spec} only; null for other sources. */
  final InstanceConfig config;
  final Configurator.Options options;
  final CommandRunner runner;
  final Ip ip;
  private final ImageRoot image;
  private List<Ip.Link> links;
  private boolean waitedForNics;
  private String missingNote = "";
  private Optional<NetworkBackend> backend;
  /** The instance recorded before this run, read once: null until asked. */
  private Optional<InstanceState.Applied> lastInstance;

  Context(InstanceSpec spec, Configurator.Options options, CommandRunner runner) {
    this.spec = spec;
    this.config = spec.luoyun().orElse(null);
    this.options = options;
    this.runner = runner;
    this.ip = new Ip(runner, options.netns());
    this.image = new ImageRoot(options.root());
  }

  boolean dryRun() {
    return options.dryRun();
  }

  /** Run by the boot unit, before the network backends start. */
  boolean beforeNetwork() {
    return options.beforeNetwork();
  }

  Home home() {
    return options.home();
  }

  /**
   * The instance this system was configured as before this run ({@link InstanceState}), read once
   * per run: recording this run's instance does not change the answer.
   */
  Optional<InstanceState.Applied> lastInstance() throws IOException {
    if (lastInstance == null) {
      lastInstance = InstanceState.read(home().stateDir());
    }
    return lastInstance;
  }

  /**
   * Whether the spec is a new instance (another source or instance id than the last recorded, or
   * none recorded): the per-instance work is due.
   */
  boolean newInstance() throws IOException {
    return !lastInstance().equals(Optional.of(InstanceState.Applied.of(spec)));
  }

  /** Records the spec's instance as applied: the next run with it is a reboot. */
  void recordInstance() throws IOException {
    lastInstance();
    InstanceState.record(home().stateDir(), spec);
  }

  /** The web terminal is on unless LuoYun's config turns it off (other sources have no such setting). */
  boolean terminalEnabled() {
    return spec.luoyun().map(l -> l.settings().webssh().enabled()).orElse(true);
  }

  /** A system path under {@code --root}: {@code sys("etc/shadow")}. */
  Path sys(String relative) {
    return image.resolve(relative);
  }

  /**
   * A system folder under {@code --root} that a step will write into (or delete from), refused
   * when in an image tree it leads out of the tree through a link (see {@link ImageRoot}).
   *
   * @throws IOException when the folder leads outside the root
   */
  Path writableDir(String relative) throws IOException {
    return image.writableDir(relative);
  }

  /** True when --root is the running system, so services may be told about changes. */
  boolean liveRoot() {
    return image.isLive();
  }

  /**
   * The links of the (namespace's) system, read once per run; at boot (--before-network) after
   * waiting for the NICs the spec names by MAC to appear and get their final names.
   */
  List<Ip.Link> links() throws IOException, InterruptedException {
    if (links == null && beforeNetwork() && !waitedForNics && nicsAreTheSystems()) {
      waitedForNics = true;
      List<MacAddress> macs = nics().stream().filter(n -> configured(n) && n.mac().isPresent())
          .map(n -> n.mac().get()).toList();
      if (!macs.isEmpty()) {
        NicWait.Result r = new NicWait(ip, NicWait.udevData(options.netns()), NicWait.LIMIT).await(macs);
        links = r.links();
        if (!r.missing().isEmpty()) {
          missingNote = " (waited " + NicWait.LIMIT.toSeconds() + " s for it)";
        }
      }
    }
    if (links == null) {
      links = ip.links();
    }
    return links;
  }

  /** Where the spec came from, as the marked files' first line says it: "the LuoYun instance config". */
  String origin() {
    return switch (spec.source()) {
      case LUOYUN -> "the LuoYun instance config";
      case NOCLOUD -> "the NoCloud seed";
      case CONFIGDRIVE -> "the config drive";
    };
  }

  /** The NICs of the spec, in its order; none when the spec leaves the network as it is. */
  List<InstanceSpec.Nic> nics() {
    return spec.network().map(InstanceSpec.Network::nics).orElse(List.of());
  }

  /**
   * A NIC the spec asks something of: an address, DHCP or SLAAC. Any other is left as it is (a
   * LuoYun entry without {@code ip}).
   */
  static boolean configured(InstanceSpec.Nic n) {
    return !n.addresses().isEmpty() || n.dhcp4() || n.dhcp6() || n.slaac();
  }

  /**
   * The NICs {@code ip} sees are the configured system's: on the running system or in a given
   * netns; not when applying to an image tree from a build host.
   */
  boolean nicsAreTheSystems() {
    return liveRoot() || options.netns().isPresent();
  }

  /** The network backend of the system under --root, found once per run. */
  Optional<NetworkBackend> backend() throws IOException {
    if (backend == null) {
      backend = NetworkBackend.detect(this);
    }
    return backend;
  }

  /** Forget the links read so far: a step changed them. */
  void linksChanged() {
    links = null;
  }

  /**
   * A configured NIC of the spec and the link it means.
   *
   * @param index its position in the spec's NICs (LuoYun's {@code network[index]})
   * @param link the link found for it; empty when none was (then {@code problem} says why)
   * @param name the interface name files may use: the link's, else the spec's own {@code name}
   */
  record Match(int index, InstanceSpec.Nic nic, Optional<Ip.Link> link, Optional<String> name, String problem) {
    String label() {
      return "network[" + index + "]";
    }
  }

  /**
   * Pairs each configured NIC of the spec with its link: by MAC when it has one; else by the name
   * the spec gives; else by position among the NICs (first entry, first NIC), as LuoYun's cloud
   * assigns them. By name or position only on the running system (or a given netns), so that
   * applying a spec to an image tree never re-addresses the build host's NICs (its files may still
   * name the NIC).
   */
  List<Match> matches() throws IOException, InterruptedException {
    List<Ip.Link> all = links();
    List<Ip.Link> nics = all.stream().filter(Ip.Link::isNic).toList();
    List<InstanceSpec.Nic> spec = nics();
    List<Match> out = new ArrayList<>();
    for (int i = 0; i < spec.size(); i++) {
      InstanceSpec.Nic n = spec.get(i);
      if (!configured(n)) {
        continue;
      }
      if (n.mac().isPresent()) {
        Optional<Ip.Link> byMac = nics.stream().filter(l -> l.mac().equals(n.mac())).findFirst()
            .or(() -> all.stream().filter(l -> l.mac().equals(n.mac())).findFirst());
        out.add(new Match(i, n, byMac, byMac.map(Ip.Link::name),
            byMac.isPresent() ? "" : "no NIC with MAC " + n.mac().get() + missingNote));
      } else if (n.name().isPresent()) {
        String name = n.name().get();
        Optional<Ip.Link> byName = nicsAreTheSystems()
            ? all.stream().filter(l -> l.name().equals(name)).findFirst() : Optional.empty();
        out.add(new Match(i, n, byName, n.name(), byName.isPresent() ? ""
            : nicsAreTheSystems() ? "no NIC named " + name
            : "no mac; NICs are matched by name only with --root / (the files name " + name + ")"));
      } else if (!nicsAreTheSystems()) {
        // Applying to an image tree from a build host: the host's own NICs are not the image's.
        out.add(new Match(i, n, Optional.empty(), Optional.empty(),
            "no mac; NICs are matched by position only with --root /"));
      } else {
        Optional<Ip.Link> byOrder = i < nics.size() ? Optional.of(nics.get(i)) : Optional.empty();
        out.add(new Match(i, n, byOrder, byOrder.map(Ip.Link::name), byOrder.isPresent() ? ""
            : "no NIC number " + (i + 1) + " (found " + nics.size() + ")"));
      }
    }
    return out;
  }
}
