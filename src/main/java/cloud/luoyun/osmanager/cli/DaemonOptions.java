package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.webssh.WebTerminalSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of the long-running daemon, shared by {@code run} and {@code boot}. */
final class DaemonOptions {
  @Option(names = "--status-interval", paramLabel = "SEC", defaultValue = "60",
      description = "Seconds between runs of custom/scripts/status. Default: ${DEFAULT-VALUE}.")
  long statusInterval;

  @Option(names = "--web-port", paramLabel = "N", defaultValue = "8080",
      description = "Port of the instance's page (0: any free port). Default: ${DEFAULT-VALUE}.")
  int webPort;

  @Option(names = "--webssh-port", paramLabel = "N",
      description = "Port of the web terminal (0: any free port). Default: webssh.port from the config, else 8001.")
  Integer websshPort;

  @Option(names = "--webssh-bind", paramLabel = "ADDR",
      description = "Address the web terminal listens on (e.g. 127.0.0.1 behind a proxy on this host). "
          + "Default: all addresses.")
  String websshBind;

  @Option(names = "--webssh-tls-cert", paramLabel = "FILE",
      description = "The web terminal's certificate chain (PEM, its own certificate first), with --webssh-tls-key. "
          + "Default: a self-signed certificate of the terminal's own in state/webssh-tls.crt, made by configure "
          + "for each new instance (TAG), like the SSH host keys; the owner's page shows its SHA-256 fingerprint.")
  Path websshTlsCert;

  @Option(names = "--webssh-tls-key", paramLabel = "FILE",
      description = "The private key of --webssh-tls-cert (PEM PKCS#8, unencrypted; keep it mode 0600).")
  Path websshTlsKey;

  @Option(names = "--ssh-port", paramLabel = "N", defaultValue = "22",
      description = "Port of this instance's sshd, which the web terminal logs into. Default: ${DEFAULT-VALUE}.")
  int sshPort;

  @Option(names = "--ssh-host-keys", paramLabel = "DIR", defaultValue = WebTerminalSettings.DEFAULT_SSH_HOST_KEYS,
      description = "Folder of the public host keys of this instance's sshd (ssh_host_*_key.pub, made anew by "
          + "configure for each instance): the web terminal trusts exactly these, or pins the key on first use "
          + "when there are none. Default: ${DEFAULT-VALUE}.")
  Path sshHostKeys;

  @Option(names = "--files", paramLabel = "on|off|download|upload", defaultValue = "on",
      description = TerminalOptions.FILES_HELP)
  String files;

  @Option(names = {"-v", "--verbose"}, description = "Log debugging detail too.")
  boolean verbose;

  private TerminalOptions terminal;

  /** Refuses out-of-range values as bad input (exit 2), naming the option. */
  void validate() throws ConfigException {
    OptionCheck.listenPort("--web-port", webPort);
    if (websshPort != null) {
      OptionCheck.listenPort("--webssh-port", websshPort);
    }
    OptionCheck.port("--ssh-port", sshPort);
    OptionCheck.notBlank("--ssh-host-keys", sshHostKeys);
    OptionCheck.seconds("--status-interval", statusInterval);
    terminal = new TerminalOptions(websshPort, OptionCheck.bindAddress("--webssh-bind", websshBind), sshPort,
        sshHostKeys.toAbsolutePath(),
        TerminalOptions.tls("--webssh-tls-cert", websshTlsCert, "--webssh-tls-key", websshTlsKey),
        OptionCheck.files("--files", files));
  }

  /** The web terminal's options; after {@link #validate()}. */
  TerminalOptions terminal() {
    if (terminal == null) {
      throw new IllegalStateException("validate() first");
    }
    return terminal;
  }

  Duration statusInterval() {
    return Duration.ofSeconds(statusInterval);
  }

  /** Absolute: the terminal reads it at every login. */
  Path sshHostKeys() {
    return sshHostKeys.toAbsolutePath();
  }

  InetSocketAddress pagesAddress() {
    return new InetSocketAddress(webPort);
  }
}
