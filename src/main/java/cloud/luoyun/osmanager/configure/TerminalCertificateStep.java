package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.webssh.TerminalCertificate;
import cloud.luoyun.osmanager.webssh.WebTerminalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.OptionalInt;

/**
 * The web terminal's own certificate, like the SSH host keys: a new instance (its TAG differs
 * from the one the certificate was made for; from NoCloud or ConfigDrive, its instance id differs
 * from the last one applied, {@link Context#newInstance}) gets a new self-signed one, so that
 * clones of an image never serve the image's key; a reboot keeps it, so the fingerprint the owner checked
 * stays true. One that is unusable (a power cut between key and certificate) or expires within
 * a month is made anew too. The rule is {@link TerminalCertificate#renew}'s, the one the terminal
 * also applies at its start.
 *
 * <p>Runs before {@link HostKeyStep}, which records the instance last: when there is no
 * certificate at all, it is made only for a new instance. On a reboot "none" means the terminal
 * serves the operator's certificate (it removes its own then) or makes one at its start.
 */
final class TerminalCertificateStep implements Step {
  private final Clock clock;

  TerminalCertificateStep(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "terminal-certificate";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    if (!c.terminalEnabled()) {
      return skipped(c, "the web terminal is disabled by the config");
    }
    boolean newInstance = c.newInstance();
    String label = InstanceState.Applied.of(c.spec).label();
    WebTerminalSettings.Instance instance;
    if (c.config != null) {
      instance = WebTerminalSettings.Instance.of(c.config);
    } else {
      instance = new WebTerminalSettings.Instance(OptionalInt.empty(), InstanceState.names(c.spec));
      if (newInstance && hasOwn(c.home())) {
        if (c.dryRun()) {
          SysFiles.checkWritable(c.home().stateDir().resolve(Home.TERMINAL_KEY));
          return changed(c, "would make a self-signed certificate for " + label + " (new instance: the one in "
              + "state/ is the last instance's)");
        }
        forgetOwn(c.home()); // its name says no instance: only this forgets the last instance's
      }
    }
    TerminalCertificate.Renewal r = TerminalCertificate.renew(c.home().stateDir(), instance, clock, newInstance,
        c.dryRun());
    if (r.made() && c.dryRun()) {
      SysFiles.checkWritable(c.home().stateDir().resolve(Home.TERMINAL_KEY)); // where a real run would fail
    }
    if (r.made()) {
      return changed(c, (c.dryRun() ? "would make " : "made ") + "a self-signed certificate for " + label + " ("
          + r.why() + ")" + r.fingerprint().map(f -> ", SHA-256 " + f).orElse(""));
    }
    if (r.fingerprint().isEmpty()) {
      return unchanged(c, "none, as at the last boot (the terminal serves the operator's certificate, or makes "
          + "one when it starts)");
    }
    return unchanged(c, r.why());
  }

  private static boolean hasOwn(Home home) {
    return SysFiles.exists(home.stateDir().resolve(Home.TERMINAL_KEY))
        || SysFiles.exists(home.stateDir().resolve(Home.TERMINAL_CERTIFICATE));
  }

  /**
   * Removes the terminal's own pair of the last instance: a certificate for no TAG does not say
   * which instance it was made for, so a new instance from NoCloud or ConfigDrive must not find
   * it. A cut after this leaves none, which the next boot (still a new instance) makes.
   */
  private static void forgetOwn(Home home) throws IOException {
    Files.deleteIfExists(home.stateDir().resolve(Home.TERMINAL_KEY));
    Files.deleteIfExists(home.stateDir().resolve(Home.TERMINAL_CERTIFICATE));
  }
}
