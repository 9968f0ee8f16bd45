package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.configure.Configurator;
import cloud.luoyun.osmanager.configure.Outcome;
import cloud.luoyun.osmanager.configure.Report;
import cloud.luoyun.osmanager.util.Logging;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osmanager configure}: apply the cloud's config to this system (the seed's pyosc). */
@Command(name = "configure", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Read the instance config the cloud handed over (luoyun.ini on LuoYun's config floppy, else a NoCloud "
            + "volume labelled cidata, else an OpenStack config drive labelled config-2), keep it in conf/ "
            + "(conf/luoyun.conf, or a copy in conf/nocloud or conf/configdrive), and apply it: passwords, SSH "
            + "keys, accounts, host name, root's password login to the web terminal (an sshd drop-in: from this "
            + "machine only), NIC addresses (by MAC), network files, name servers, new SSH host keys and "
            + "terminal certificate for a new instance (a new TAG or instance id), then custom/scripts/config. "
            + "Other clouds' keys that are not applied (runcmd, packages, ...) are named in one warning.",
        "Prints one line per step: '<step>: changed|unchanged|ran|skipped|failed[: detail]' ('ran': "
            + "custom/scripts/config ran and exited 0).",
        "Exit status: 0 all steps good, 1 a step failed, 2 the config or its source is invalid "
            + "(one line on stderr naming the field; nothing is changed)."})
final class ConfigureCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
      description = "Prefix of every system path touched (etc/shadow, root/.ssh, etc/resolv.conf, ...), "
          + "to apply the config to an image tree. NICs are always the running system's. Default: ${DEFAULT-VALUE}.")
  Path root;

  @Option(names = "--source", paramLabel = "PATH", defaultValue = "/dev/fd0",
      description = "Where the config is: the floppy device (then, without a floppy config, the volumes labelled "
          + "cidata (NoCloud) and config-2 (ConfigDrive) are looked for), or a floppy image, a plain luoyun.ini, "
          + "an ISO or vfat image, a block device, or a folder of a NoCloud or ConfigDrive seed's files (told "
          + "apart by content). Without any, the config kept in conf/ is applied again. Default: ${DEFAULT-VALUE}.")
  Path source;

  @Mixin SourcesOption sources;

  @Option(names = "--dry-run", description = "Print what each step would change; change nothing.")
  boolean dryRun;

  @Option(names = "--before-network",
      description = "Run as the boot unit does, before any network backend starts: wait up to 10 s for the "
          + "config's NICs (by MAC) to appear and be named by udev; when NetworkManager, systemd-networkd or "
          + "ifupdown is enabled and reads the network files written here, leave the NICs to it (no 'ip' "
          + "commands); do not reload sshd; and with neither a floppy nor conf/luoyun.conf, exit 0 saying "
          + "there is nothing to apply. Without it NICs are set at once with 'ip'.")
  boolean beforeNetwork;

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure(dryRun ? null : home.home().logDir(), "configure.log", false, false);
    Configurator.Options options = sources.applyTo(Configurator.Options.of(home.home())
        .withRoot(root).withSource(source).withDryRun(dryRun).withBeforeNetwork(beforeNetwork));
    PrintWriter out = spec.commandLine().getOut();
    // Under systemd each line carries its priority: a failed step is an error, a refused config a
    // warning (journalctl -p warning shows a broken boot).
    Report report = new Configurator(options).run(step -> {
      out.println(Logging.line(step.outcome() == Outcome.FAILED ? Level.SEVERE : Level.INFO, step.line()));
      out.flush();
    });
    report.badInput().ifPresent(msg -> spec.commandLine().getErr().println(Logging.line(Level.WARNING, msg)));
    return report.exitCode();
  }
}
