package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.config.NetworkEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each NIC named by a network entry with an {@code ip} exactly that IPv4 address (other
 * global IPv4 addresses on it are removed, so re-runs and changed configs never stack addresses),
 * brings it up, and sets the default route via the first entry's gateway. Only {@code ip}
 * argument lists; what is already right is left alone. Entries without {@code ip} are left to DHCP.
 *
 * <p>At boot ({@code --before-network}) a network backend that is enabled and reads the files of
 * {@link NetworkFilesStep} brings the NICs up itself when it starts, after configure (the boot
 * unit is ordered before network-pre.target, which NetworkManager, systemd-networkd and ifupdown's
 * networking.service all start after): then this step runs no {@code ip} at all, because an
 * address set here first makes the backend fail ({@code ifup}: "RTNETLINK answers: File exists").
 */
final class NicStep implements Step {
  private static final Logger log = LoggerFactory.getLogger(NicStep.class);
  /** The prefix when an entry has an ip but no netmask. */
  static final int DEFAULT_PREFIX = 24;

  @Override
  public String name() {
    return "nics";
  }

  static int prefix(NetworkEntry e) {
    return e.netmask().map(m -> m.prefixLength()).orElse(DEFAULT_PREFIX);
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    List<Context.Match> matches = c.matches();
    if (matches.isEmpty()) {
      return skipped(c, "no network entry with an ip (left to DHCP)");
    }
    String note = "";
    if (c.beforeNetwork()) {
      Optional<NetworkBackend> backend = c.backend();
      if (backend.isPresent() && backend.get().bringsUp()) {
        return leftToBackend(c, backend.get(), matches);
      }
      note = " (set with ip: " + backend.map(NetworkBackend::whyNotLeftToIt).orElse("no network backend found") + ")";
    }
    List<String> problems = new ArrayList<>();
    List<String> done = new ArrayList<>();
    List<String> ok = new ArrayList<>();
    Optional<String> firstDev = Optional.empty();
    for (Context.Match m : matches) {
      if (m.link().isEmpty()) {
        problems.add(m.label() + ": " + m.problem());
        continue;
      }
      Ip.Link link = m.link().get();
      if (m.index() == 0) {
        firstDev = Optional.of(link.name());
      }
      try {
        List<String[]> cmds = commands(m.entry(), link);
        for (String[] cmd : cmds) {
          done.add(String.join(" ", cmd));
          if (!c.dryRun()) {
            log.info("running {}", c.ip.argv(cmd));
            c.ip.run(cmd);
          }
        }
        if (cmds.isEmpty()) {
          ok.add(link.name() + " " + m.entry().ip().get() + "/" + prefix(m.entry()));
        }
      } catch (Exception e) {
        problems.add(m.label() + " (" + link.name() + "): " + e.getMessage());
      }
    }
    if (!done.isEmpty() && !c.dryRun()) {
      c.linksChanged();
    }
    NetworkEntry first = c.config.settings().network().get(0);
    if (firstDev.isPresent() && first.ip().isPresent() && first.gateway().isPresent()) {
      try {
        String[] route = routeCommand(c, first.gateway().get(), firstDev.get());
        if (route != null) {
          done.add(String.join(" ", route));
          if (!c.dryRun()) {
            log.info("running {}", c.ip.argv(route));
            c.ip.run(route);
          }
        } else {
          ok.add("default via " + first.gateway().get());
        }
      } catch (Exception e) {
        problems.add("default route via " + first.gateway().get() + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      return failed(c, String.join("; ", problems) + (done.isEmpty() ? "" : " (did: " + String.join("; ", done) + ")")
          + note);
    }
    if (!done.isEmpty()) {
      return changed(c, (c.dryRun() ? "would run: ip " : "ip ") + String.join("; ip ", done) + note);
    }
    return unchanged(c, String.join(", ", ok) + note);
  }

  /** Nothing to run: the backend sets the NICs from our files when it starts, after configure. */
  private StepResult leftToBackend(Context c, NetworkBackend backend, List<Context.Match> matches) {
    List<String> missing = matches.stream().filter(m -> m.link().isEmpty())
        .map(m -> m.label() + ": " + m.problem()).toList();
    return skipped(c, "left to " + backend.label() + ", which starts after configure"
        + (missing.isEmpty() ? "" : "; note: " + String.join("; ", missing)));
  }

  /** The ip commands (without "ip") that make {@code link} match {@code e}; empty when it does. */
  static List<String[]> commands(NetworkEntry e, Ip.Link link) {
    Ipv4Address want = e.ip().get();
    int prefix = prefix(e);
    List<String[]> cmds = new ArrayList<>();
    boolean present = false;
    for (Ip.Address a : link.inet()) {
      if (a.local().equals(want) && a.prefixLength() == prefix) {
        present = true;
      } else if (!"host".equals(a.scope()) && !"link".equals(a.scope())) {
        cmds.add(new String[] {"addr", "del", a.toString(), "dev", link.name()});
      }
    }
    if (!present) {
      cmds.add(new String[] {"addr", "add", want + "/" + prefix, "broadcast", "+", "dev", link.name()});
    }
    if (!link.up()) {
      cmds.add(new String[] {"link", "set", "dev", link.name(), "up"});
    }
    return cmds;
  }

  /** The route command, or null when the main table already has exactly this default route. */
  private static String[] routeCommand(Context c, Ipv4Address gateway, String dev) throws Exception {
    for (Ip.Route r : c.ip.defaultRoutes()) {
      if (r.gateway().equals(Optional.of(gateway)) && r.dev().equals(dev) && r.metric() == 0) {
        return null;
      }
    }
    return new String[] {"route", "replace", "default", "via", gateway.toString(), "dev", dev};
  }
}
