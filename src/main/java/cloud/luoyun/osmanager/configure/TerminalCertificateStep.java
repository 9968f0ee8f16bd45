package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.webssh.TerminalCertificate;
import cloud.luoyun.osmanager.webssh.WebTerminalSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The web terminal's own certificate, like the SSH host keys: a new instance (its TAG differs
 * from the one the certificate was made for) gets a new self-signed one, so that clones of an
 * image never serve the image's key; a reboot keeps it, so the fingerprint the owner checked
 * stays true. One that is unusable (a power cut between key and certificate) or expires within
 * a month is made anew too. The rule is {@link TerminalCertificate#renew}'s, the one the terminal
 * also applies at its start.
 *
 * <p>Runs before {@link HostKeyStep}, which writes {@code state/applied-tag} last: when there is no
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
    if (!c.config.settings().webssh().enabled()) {
      return skipped(c, "the web terminal is disabled by the config");
    }
    int tag = c.config.tag();
    Path applied = HostKeyStep.stateFile(c);
    Optional<String> last = SysFiles.exists(applied)
        ? Optional.of(Files.readString(applied, StandardCharsets.US_ASCII).strip()) : Optional.empty();
    boolean newInstance = !last.equals(Optional.of(Integer.toString(tag)));
    TerminalCertificate.Renewal r = TerminalCertificate.renew(c.home().stateDir(),
        WebTerminalSettings.Instance.of(c.config), clock, newInstance, c.dryRun());
    if (r.made() && c.dryRun()) {
      SysFiles.checkWritable(c.home().stateDir().resolve(Home.TERMINAL_KEY)); // where a real run would fail
    }
    if (r.made()) {
      return changed(c, (c.dryRun() ? "would make " : "made ") + "a self-signed certificate for TAG " + tag + " ("
          + r.why() + ")" + r.fingerprint().map(f -> ", SHA-256 " + f).orElse(""));
    }
    if (r.fingerprint().isEmpty()) {
      return unchanged(c, "none, as at the last boot (the terminal serves the operator's certificate, or makes "
          + "one when it starts)");
    }
    return unchanged(c, r.why());
  }
}
