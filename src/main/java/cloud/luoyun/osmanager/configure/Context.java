package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.config.NetworkEntry;
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
   * waiting for the NICs the config names by MAC to appear and get their final names.
   */
  List<Ip.Link> links() throws IOException, InterruptedException {
    if (links == null && beforeNetwork() && !waitedForNics && nicsAreTheSystems()) {
      waitedForNics = true;
      List<MacAddress> macs = config.settings().network().stream()
          .filter(e -> e.ip().isPresent() && e.mac().isPresent()).map(e -> e.mac().get()).toList();
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

  /** A config network entry with an {@code ip}, and the NIC it means (if found). */
  record Match(int index, NetworkEntry entry, Optional<Ip.Link> link, String problem) {
    String label() {
      return "network[" + index + "]";
    }
  }

  /**
   * Pairs each entry that has an {@code ip} with its NIC: by MAC when the entry has one, else the
   * entry's position among the NICs (first entry, first NIC), as the cloud assigns them; by
   * position only on the running system (or a given netns), so that applying a config to an image
   * tree never re-addresses the build host's first NIC.
   */
  List<Match> matches() throws IOException, InterruptedException {
    List<Ip.Link> all = links();
    List<Ip.Link> nics = all.stream().filter(Ip.Link::isNic).toList();
    List<NetworkEntry> network = config.settings().network();
    List<Match> out = new ArrayList<>();
    for (int i = 0; i < network.size(); i++) {
      NetworkEntry e = network.get(i);
      if (e.ip().isEmpty()) {
        continue;
      }
      if (e.mac().isPresent()) {
        Optional<Ip.Link> byMac = nics.stream().filter(l -> l.mac().equals(e.mac())).findFirst()
            .or(() -> all.stream().filter(l -> l.mac().equals(e.mac())).findFirst());
        out.add(new Match(i, e, byMac, byMac.isPresent() ? "" : "no NIC with MAC " + e.mac().get() + missingNote));
      } else if (!nicsAreTheSystems()) {
        // Applying to an image tree from a build host: the host's own NICs are not the image's.
        out.add(new Match(i, e, Optional.empty(), "no mac; NICs are matched by position only with --root /"));
      } else {
        Optional<Ip.Link> byOrder = i < nics.size() ? Optional.of(nics.get(i)) : Optional.empty();
        out.add(new Match(i, e, byOrder, byOrder.isPresent() ? ""
            : "no NIC number " + (i + 1) + " (found " + nics.size() + ")"));
      }
    }
    return out;
  }
}
