package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.configure.NetworkFilesStep.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The network backend that will bring the NICs up at boot on the system under {@code --root}: the
 * stack whose files {@link NetworkFilesStep} writes, and whether it really starts and reads them
 * (then {@code configure --before-network} leaves the NICs to it instead of setting them with
 * {@code ip}, which would make it fail on addresses that already exist).
 *
 * <p>Enabled means what the image's init starts:
 * <ul>
 * <li>An image that boots systemd (the live root: {@code /run/systemd/system} exists; an image
 *     tree: it has {@code etc/systemd/system} and its {@code sbin/init}, if any, is a link to
 *     systemd): the unit ({@code NetworkManager.service}, {@code systemd-networkd.service},
 *     {@code networking.service}) is installed, linked from a folder {@code etc/systemd/system/*.wants/},
 *     and not masked. systemd-networkd also counts as enabled by netplan when netplan is installed
 *     and etc/netplan holds a config that does not choose NetworkManager: netplan's generator
 *     enables it at every boot. Init script links are not looked at: systemd runs the native unit.
 * <li>Any other image (sysvinit, OpenRC): the init script ({@code etc/init.d/networking},
 *     {@code NetworkManager} or {@code network-manager}) exists and has a start link
 *     {@code etc/rc?.d/S??NAME} (or {@code etc/rc.d/rc?.d/}), or {@code etc/runlevels/* /NAME}.
 * </ul>
 * Of several enabled backends NetworkManager wins, then systemd-networkd, then ifupdown. When none
 * is enabled, the installed one (NetworkManager's program, networkd files or netplan, then
 * etc/network/interfaces) still gets the files, so the addresses persist should it be enabled
 * later, and the NICs are set with {@code ip}. ifupdown reads our file only when
 * etc/network/interfaces has a {@code source} line matching it or a {@code source-directory} of
 * its folder; without one it does not bring our NICs up ({@link #ignored}).
 *
 * @param how "enabled: networking.service", "installed, not enabled", ... for the step lines
 * @param ignored why the backend, though enabled, will not read our files; empty when it will
 */
record NetworkBackend(Stack stack, boolean enabled, String how, Optional<String> ignored) {
  private static final List<String> UNIT_DIRS = List.of("etc/systemd/system", "usr/lib/systemd/system",
      "lib/systemd/system");
  private static final Pattern NETPLAN_NM = Pattern.compile("\\s*renderer:\\s*[\"']?NetworkManager\\b.*");

  /** Brings the NICs up from our files: NicStep may leave them to it at boot. */
  boolean bringsUp() {
    return enabled && ignored.isEmpty();
  }

  /** "ifupdown (enabled: networking.service)". */
  String label() {
    return stack.label + " (" + how + ")";
  }

  /** Why the NICs are not left to this backend ("" when they are). */
  String whyNotLeftToIt() {
    if (!enabled) {
      return "no network backend is enabled, " + stack.label + " is only installed";
    }
    return ignored.map(i -> stack.label + " would not bring them up: " + i).orElse("");
  }

  static Optional<NetworkBackend> detect(Context c) throws IOException {
    boolean systemd = bootsSystemd(c);
    for (Stack s : Stack.values()) {
      Optional<String> by = systemd ? systemdEnabled(c, s) : initScriptEnabled(c, s);
      if (by.isPresent()) {
        return Optional.of(new NetworkBackend(s, true, "enabled: " + by.get(), ignored(c, s)));
      }
    }
    return installed(c).map(s -> new NetworkBackend(s, false, "installed, not enabled", ignored(c, s)));
  }

  static boolean bootsSystemd(Context c) throws IOException {
    if (c.liveRoot()) {
      return Files.isDirectory(Path.of("/run/systemd/system")); // sd_booted()
    }
    if (!Files.isDirectory(c.sys("etc/systemd/system"))) {
      return false;
    }
    Path init = c.sys("sbin/init");
    if (SysFiles.isLink(init)) {
      return Files.readSymbolicLink(init).toString().contains("systemd");
    }
    return !SysFiles.exists(init); // a tree without an init to tell: its etc/systemd/system says
  }

  /** The wants link that enables the stack's unit, or netplan; empty when not enabled. */
  private static Optional<String> systemdEnabled(Context c, Stack s) throws IOException {
    Path etc = c.sys("etc/systemd/system");
    if (masked(etc.resolve(s.unit)) || !unitInstalled(c, s.unit)) {
      return Optional.empty();
    }
    if (Files.isDirectory(etc)) {
      try (DirectoryStream<Path> wants = Files.newDirectoryStream(etc, "*.wants")) {
        for (Path w : wants) {
          if (SysFiles.exists(w.resolve(s.unit))) {
            return Optional.of(s.unit);
          }
        }
      }
    }
    return s == Stack.NETWORKD ? netplan(c) : Optional.empty();
  }

  private static boolean masked(Path unit) throws IOException {
    return SysFiles.isLink(unit) && Files.readSymbolicLink(unit).toString().equals("/dev/null");
  }

  /** The unit file is installed (under etc/, usr/lib/ or lib/systemd/system/). */
  static boolean unitInstalled(Context c, String unit) {
    // A wants link outlives its package when it is removed but not purged: the unit file does not.
    return UNIT_DIRS.stream().anyMatch(d -> Files.isRegularFile(c.sys(d).resolve(unit))
        || SysFiles.isLink(c.sys(d).resolve(unit)));
  }

  /** netplan's generator enables systemd-networkd when a config of it renders with networkd. */
  private static Optional<String> netplan(Context c) throws IOException {
    boolean installed = Files.exists(c.sys("usr/sbin/netplan")) || Files.exists(c.sys("usr/lib/netplan/generate"))
        || Files.exists(c.sys("lib/netplan/generate")) || Files.exists(c.sys("usr/libexec/netplan/generate"));
    Path dir = c.sys("etc/netplan");
    if (!installed || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    boolean any = false;
    try (DirectoryStream<Path> yaml = Files.newDirectoryStream(dir, "*.yaml")) {
      for (Path y : yaml) {
        any = true;
        if (Files.readAllLines(y, StandardCharsets.ISO_8859_1).stream().anyMatch(l -> NETPLAN_NM.matcher(l).matches())) {
          return Optional.empty(); // netplan hands the NICs to NetworkManager
        }
      }
    }
    return any ? Optional.of("by netplan") : Optional.empty();
  }

  /** A start link of the stack's init script (sysvinit rc folders, OpenRC runlevels). */
  private static Optional<String> initScriptEnabled(Context c, Stack s) throws IOException {
    for (String script : s.initScripts) {
      if (!Files.isRegularFile(c.sys("etc/init.d/" + script)) && !Files.isRegularFile(c.sys("etc/rc.d/init.d/" + script))) {
        continue;
      }
      for (String parent : List.of("etc", "etc/rc.d")) {
        Optional<String> link = find(c, c.sys(parent), "rc?.d", "S[0-9][0-9]" + script);
        if (link.isPresent()) {
          return link;
        }
      }
      Optional<String> runlevel = find(c, c.sys("etc/runlevels"), "*", script);
      if (runlevel.isPresent()) {
        return runlevel;
      }
    }
    return Optional.empty();
  }

  /** The first {@code parent/DIR/NAME} with DIR matching {@code dirs} and NAME {@code names}, as a path under root. */
  private static Optional<String> find(Context c, Path parent, String dirs, String names) throws IOException {
    if (!Files.isDirectory(parent)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, dirs)) {
      for (Path d : ds) {
        if (!Files.isDirectory(d)) {
          continue;
        }
        try (DirectoryStream<Path> links = Files.newDirectoryStream(d, names)) {
          for (Path l : links) {
            return Optional.of(SysFiles.rel(c, l));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** What is installed, when nothing is enabled: the order and tests the files step always had. */
  private static Optional<Stack> installed(Context c) throws IOException {
    if (Files.exists(c.sys("usr/sbin/NetworkManager")) || Files.exists(c.sys("usr/bin/NetworkManager"))) {
      return Optional.of(Stack.NETWORK_MANAGER);
    }
    if (Files.isDirectory(c.sys("etc/netplan")) || hasNetworkFiles(c.sys("etc/systemd/network"))) {
      return Optional.of(Stack.NETWORKD);
    }
    if (Files.exists(c.sys("etc/network/interfaces"))) {
      return Optional.of(Stack.IFUPDOWN);
    }
    return Optional.empty();
  }

  private static boolean hasNetworkFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.network")) {
      return s.iterator().hasNext();
    }
  }

  /** Why the stack would not read our files; only ifupdown can be told not to. */
  private static Optional<String> ignored(Context c, Stack s) {
    if (s != Stack.IFUPDOWN) {
      return Optional.empty();
    }
    Path interfaces = c.sys("etc/network/interfaces");
    String ours = "/" + Stack.IFUPDOWN.dir + "/" + NetworkFilesStep.IFUPDOWN_FILE;
    try {
      for (String line : Files.readAllLines(interfaces, StandardCharsets.ISO_8859_1)) {
        String[] w = line.strip().split("\\s+");
        if (w.length < 2) {
          continue;
        }
        // Relative paths are relative to the folder of the file that names them: /etc/network.
        for (int i = 1; i < w.length; i++) {
          String arg = w[i].startsWith("/") ? w[i] : "/etc/network/" + w[i];
          if (w[0].equals("source") && SysFiles.globMatches(arg, ours)
              || w[0].equals("source-directory") && Path.of(arg).normalize().equals(Path.of(ours).getParent())) {
            return Optional.empty();
          }
        }
      }
    } catch (IOException e) {
      return Optional.of("no readable etc/network/interfaces");
    }
    return Optional.of("etc/network/interfaces does not source " + Stack.IFUPDOWN.dir + "/"
        + NetworkFilesStep.IFUPDOWN_FILE);
  }
}
