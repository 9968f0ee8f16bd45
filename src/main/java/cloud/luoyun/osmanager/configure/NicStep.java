package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each NIC the spec names the static addresses it asks for, IPv4 and IPv6 (other global
 * addresses of a family it sets statically are removed, so re-runs and changed configs never stack
 * addresses), its MTU, brings it up, and sets the default route of each family via the first
 * NIC's gateway of that family, then each NIC's routes. Only {@code ip} argument lists; what is
 * already right is left alone. DHCP and SLAAC are left to the network backend (a LuoYun entry
 * without {@code ip} is not touched at all).
 *
 * <p>At boot ({@code --before-network}) a network backend that is enabled and reads the files of
 * {@link NetworkFilesStep} brings the NICs up itself when it starts, after configure (the boot
 * unit is ordered before network-pre.target, which NetworkManager, systemd-networkd and ifupdown's
 * networking.service all start after): then this step runs no {@code ip} at all, because an
 * address set here first makes the backend fail ({@code ifup}: "RTNETLINK answers: File exists").
 */
final class NicStep implements Step {
  private static final Logger log = LoggerFactory.getLogger(NicStep.class);
  /** The metric the kernel gives a route added without one. */
  private static final int DEFAULT_METRIC_V4 = 0;
  private static final int DEFAULT_METRIC_V6 = 1024;

  @Override
  public String name() {
    return "nics";
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
    if (matches.stream().anyMatch(m -> m.nic().dhcp4() || m.nic().dhcp6() || m.nic().slaac())) {
      note += " (DHCP and SLAAC left to the network backend)";
    }
    List<String> problems = new ArrayList<>();
    List<String> done = new ArrayList<>();
    List<String> ok = new ArrayList<>();
    List<Context.Match> set = new ArrayList<>();
    for (Context.Match m : matches) {
      if (m.link().isEmpty()) {
        problems.add(m.label() + ": " + m.problem());
        continue;
      }
      Ip.Link link = m.link().get();
      set.add(m);
      try {
        List<String[]> cmds = commands(m.nic(), link);
        for (String[] cmd : cmds) {
          done.add(String.join(" ", cmd));
          run(c, cmd);
        }
        if (cmds.isEmpty()) {
          ok.add(link.name() + " " + describe(m.nic()));
        }
      } catch (Exception e) {
        problems.add(m.label() + " (" + link.name() + "): " + e.getMessage());
      }
    }
    if (!done.isEmpty() && !c.dryRun()) {
      c.linksChanged();
    }
    for (Wanted r : routes(set)) {
      try {
        String[] cmd = routeCommand(c, r);
        if (cmd != null) {
          done.add(String.join(" ", cmd));
          run(c, cmd);
        } else {
          ok.add(r.shown());
        }
      } catch (Exception e) {
        problems.add(r.shown() + ": " + e.getMessage());
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

  private static void run(Context c, String[] cmd) throws Exception {
    if (!c.dryRun()) {
      log.info("running {}", c.ip.argv(cmd));
      c.ip.run(cmd);
    }
  }

  /** "10.0.0.5/24", "2001:db8::5/64 DHCPv4": what the NIC has from this step, for the line. */
  private static String describe(InstanceSpec.Nic n) {
    List<String> parts = new ArrayList<>(n.addresses().stream().map(Addresses::text).toList());
    n.mtu().ifPresent(m -> parts.add("mtu " + m));
    return String.join(" ", parts);
  }

  /** Nothing to run: the backend sets the NICs from our files when it starts, after configure. */
  private StepResult leftToBackend(Context c, NetworkBackend backend, List<Context.Match> matches) {
    List<String> missing = matches.stream().filter(m -> m.link().isEmpty())
        .map(m -> m.label() + ": " + m.problem()).toList();
    return skipped(c, "left to " + backend.label() + ", which starts after configure"
        + (missing.isEmpty() ? "" : "; note: " + String.join("; ", missing)));
  }

  /**
   * The ip commands (without "ip") that make {@code link} match {@code n}: MTU, static addresses
   * (removing other global ones of a family set statically only), up; empty when it does.
   */
  static List<String[]> commands(InstanceSpec.Nic n, Ip.Link link) {
    List<String[]> cmds = new ArrayList<>();
    if (n.mtu().isPresent() && link.mtu() != n.mtu().getAsInt()) {
      cmds.add(new String[] {"link", "set", "dev", link.name(), "mtu", Integer.toString(n.mtu().getAsInt())});
    }
    for (boolean v6 : new boolean[] {false, true}) {
      List<InstanceSpec.Cidr> want = n.addresses().stream().filter(a -> Addresses.isV6(a.address()) == v6).toList();
      boolean dynamic = v6 ? n.dhcp6() || n.slaac() : n.dhcp4();
      List<InstanceSpec.Cidr> present = new ArrayList<>();
      for (Ip.Address a : link.addresses()) {
        if (a.isV6() != v6) {
          continue;
        }
        Optional<InstanceSpec.Cidr> same = want.stream()
            .filter(w -> w.address().equals(a.local()) && w.prefix() == a.prefixLength()).findFirst();
        if (same.isPresent()) {
          present.add(same.get());
        } else if (a.global() && !want.isEmpty() && !dynamic) {
          cmds.add(new String[] {"addr", "del", a.toString(), "dev", link.name()});
        }
      }
      for (InstanceSpec.Cidr w : want) {
        if (!present.contains(w)) {
          cmds.add(v6 ? new String[] {"addr", "add", Addresses.text(w), "dev", link.name()}
              : new String[] {"addr", "add", Addresses.text(w), "broadcast", "+", "dev", link.name()});
        }
      }
    }
    if (!link.up()) {
      cmds.add(new String[] {"link", "set", "dev", link.name(), "up"});
    }
    return cmds;
  }

  /** A route this step wants in the main table. */
  private record Wanted(InetAddress to, int prefix, InetAddress via, String dev, OptionalInt metric) {
    boolean v6() {
      return Addresses.isV6(via);
    }

    boolean isDefault() {
      return prefix == 0;
    }

    String shown() {
      return (isDefault() ? "default" : Addresses.text(to) + "/" + prefix) + " via " + Addresses.text(via);
    }

    int kernelMetric() {
      return metric.orElse(v6() ? DEFAULT_METRIC_V6 : DEFAULT_METRIC_V4);
    }
  }

  /**
   * The default route of each family via the first NIC with a gateway of that family (several
   * default routes of one metric would replace each other), then every NIC's own routes.
   */
  private static List<Wanted> routes(List<Context.Match> set) throws Exception {
    List<Wanted> out = new ArrayList<>();
    set.stream().filter(m -> m.nic().gateway4().isPresent()).findFirst().ifPresent(m -> out.add(new Wanted(
        any(false), 0, m.nic().gateway4().get(), m.link().get().name(), OptionalInt.empty())));
    set.stream().filter(m -> m.nic().gateway6().isPresent()).findFirst().ifPresent(m -> out.add(new Wanted(
        any(true), 0, m.nic().gateway6().get(), m.link().get().name(), OptionalInt.empty())));
    for (Context.Match m : set) {
      for (InstanceSpec.Route r : m.nic().routes()) {
        out.add(new Wanted(r.to().address(), r.to().prefix(), r.via(), m.link().get().name(), r.metric()));
      }
    }
    return out;
  }

  private static InetAddress any(boolean v6) {
    return Addresses.parse(v6 ? "::" : "0.0.0.0").orElseThrow();
  }

  /** The route command, or null when the main table already has exactly this route. */
  private static String[] routeCommand(Context c, Wanted w) throws Exception {
    for (Ip.Route r : c.ip.routes(w.v6())) {
      if (r.prefix() == w.prefix() && r.dst().equals(w.to()) && r.gateway().equals(Optional.of(w.via()))
          && r.dev().equals(w.dev()) && r.metric() == w.kernelMetric()) {
        return null;
      }
    }
    List<String> cmd = new ArrayList<>();
    if (w.v6()) {
      cmd.add("-6");
    }
    cmd.addAll(List.of("route", "replace", w.isDefault() ? "default" : Addresses.text(w.to()) + "/" + w.prefix(),
        "via", Addresses.text(w.via()), "dev", w.dev()));
    w.metric().ifPresent(m -> cmd.addAll(List.of("metric", Integer.toUnsignedString(m))));
    return cmd.toArray(String[]::new);
  }
}
