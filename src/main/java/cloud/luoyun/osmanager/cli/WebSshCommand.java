package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.WebSsh;
import cloud.luoyun.osmanager.http.HttpLayer;
import cloud.luoyun.osmanager.http.JettyDefaults;
import cloud.luoyun.osmanager.http.TlsIdentity;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.Logging;
import cloud.luoyun.osmanager.webssh.FilesMode;
import cloud.luoyun.osmanager.webssh.WebTerminal;
import cloud.luoyun.osmanager.webssh.WebTerminalSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osmanager webssh}: the web terminal alone, until stopped (SIGTERM / Ctrl-C). */
@Command(name = "webssh", mixinStandardHelpOptions = true,
    description = {
        "Serves a terminal in the browser that logs into the instance's own sshd (xterm.js page and "
            + "WebSocket on one port). Login happens in the terminal; sshd and PAM decide who gets in.",
        "Only over TLS: plain HTTP on the same port (the cloud links http://<ip>:8001/) is redirected to "
            + "https://. The certificate is the operator's (--tls-cert, --tls-key) or the terminal's own, "
            + "self-signed, in state/webssh-tls.crt and state/webssh-tls.key (0600): made by configure for each new "
            + "instance (TAG), like the SSH host keys, or at the start when there is none; the owner's page shows "
            + "its SHA-256 fingerprint "
            + "to check the browser's warning against. Requests must name this instance: its addresses, "
            + "domain.name or domain.ip from the config, or localhost.",
        "Honours conf/luoyun.conf: \"webssh\": {\"status\": \"disable\"} exits at once (status 0), "
            + "\"port\" sets the port unless --port is given. Without a config file it runs with the defaults.",
        "An sshd on this host (--ssh-host localhost or a loopback address) must present one of this host's "
            + "own keys, the files ssh_host_*_key.pub in --ssh-host-keys, read at each login (configure makes "
            + "them anew for each instance). When that folder has none, or the sshd is on another host, its key "
            + "is pinned on first use in state/webssh-known-hosts under --home."})
public final class WebSshCommand implements Callable<Integer> {
  @Mixin
  HomeOption home;

  @Option(names = "--port", paramLabel = "N",
      description = "Port of the page (0: any free port). Default: webssh.port from the config, else 8001.")
  Integer port;

  @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on. Default: all addresses.")
  String bind;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "The operator's certificate chain (PEM, the terminal's certificate first), with --tls-key. "
          + "Default: the terminal's own (see above).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The private key of --tls-cert (PEM PKCS#8, unencrypted; keep it mode 0600).")
  Path tlsKey;

  @Option(names = "--ssh-host", paramLabel = "H", defaultValue = WebTerminalSettings.DEFAULT_SSH_HOST,
      description = "SSH server to log into. Default: ${DEFAULT-VALUE}.")
  String sshHost;

  @Option(names = "--ssh-port", paramLabel = "N", defaultValue = "22",
      description = "Its port. Default: ${DEFAULT-VALUE}.")
  int sshPort;

  @Option(names = "--ssh-host-keys", paramLabel = "DIR", defaultValue = WebTerminalSettings.DEFAULT_SSH_HOST_KEYS,
      description = "Folder of the public host keys of this host's sshd (ssh_host_*_key.pub), the only keys "
          + "trusted when --ssh-host is on this host. Default: ${DEFAULT-VALUE}.")
  Path sshHostKeys;

  @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "8",
      description = "Logged-in terminal sessions at once (including those waiting for a reloaded page); pages at "
          + "the login prompt do not count. Default: ${DEFAULT-VALUE}.")
  int maxSessions;

  @Option(names = "--files", paramLabel = "on|off|download|upload", defaultValue = "on",
      description = TerminalOptions.FILES_HELP)
  String files;

  @Option(names = {"-v", "--verbose"}, description = "Log debugging detail too.")
  boolean verbose;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    JettyDefaults.prepare(); // before any Jetty class loads
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // bad input: a ConfigException naming the option, one line and exit 2 (Main)
    if (port != null) {
      OptionCheck.listenPort("--port", port);
    }
    OptionCheck.port("--ssh-port", sshPort);
    OptionCheck.range("--max-sessions", maxSessions, 1, 1000);
    OptionCheck.notBlank("--ssh-host", sshHost);
    OptionCheck.notBlank("--ssh-host-keys", sshHostKeys);
    Optional<String> bindHost = OptionCheck.bindAddress("--bind", bind);
    Optional<TlsIdentity> tls = TerminalOptions.tls("--tls-cert", tlsCert, "--tls-key", tlsKey);
    FilesMode filesMode = OptionCheck.files("--files", files);
    Home h = home.home();
    Logging.configure(Files.isDirectory(h.dir()) ? h.logDir() : null, "webssh.log", verbose);

    WebSsh config;
    WebTerminalSettings.Instance instance;
    if (!Files.exists(h.conf())) {
      out.println("no instance config at " + h.conf() + "; running with the defaults");
      config = WebSsh.DEFAULT;
      instance = WebTerminalSettings.Instance.NONE;
    } else {
      InstanceConfig loaded = h.loadConfig(); // a bad config: one line, exit 2 (Main)
      loaded.warnings().forEach(w -> err.println(h.conf() + ": " + w));
      config = loaded.settings().webssh();
      instance = WebTerminalSettings.Instance.of(loaded);
    }
    if (!config.enabled()) {
      out.println("web terminal disabled by the instance config");
      out.flush();
      return ExitStatus.OK;
    }
    int listen = port != null ? port : config.portOrDefault();
    WebTerminalSettings settings = WebTerminalSettings.defaults(h.stateDir())
        .withBind(bindHost, listen)
        .withSsh(sshHost, sshPort)
        .withSshHostKeys(sshHostKeys.toAbsolutePath())
        .withInstance(instance)
        .withTls(tls)
        .withFiles(filesMode);
    settings = settings.withLimits(maxSessions, settings.idleTimeout(), settings.gracePeriod(),
        settings.pingInterval());

    WebTerminal terminal = new WebTerminal(settings);
    try {
      return ServiceRunner.runUntilSignalled("osmanager webssh", () -> {
        terminal.start();
        String where = bindHost.map(a -> a.indexOf(':') >= 0 ? "[" + a + "]" : a).orElse("0.0.0.0");
        out.println("web terminal on https://" + where + ":" + terminal.port() + "/ (certificate SHA-256 "
            + terminal.fingerprint().orElse("?") + ") -> ssh " + sshHost + ":" + sshPort);
        out.flush();
      }, terminal);
    } catch (HttpLayer.ListenException e) {
      throw Daemon.named(Daemon.WEB_TERMINAL, e); // Main prints it: one line, exit status 1
    }
  }
}
