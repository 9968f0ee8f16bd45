package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.Agent;
import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.agent.AgentSettings;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.WebSsh;
import cloud.luoyun.osmanager.configure.Configurator;
import cloud.luoyun.osmanager.http.HttpLayer;
import cloud.luoyun.osmanager.util.Closeables;
import cloud.luoyun.osmanager.web.AgentStatusSource;
import cloud.luoyun.osmanager.web.AgentStatusSource.AgentStatus;
import cloud.luoyun.osmanager.web.PageServer;
import cloud.luoyun.osmanager.web.TerminalLink;
import cloud.luoyun.osmanager.webssh.WebTerminal;
import cloud.luoyun.osmanager.webssh.WebTerminalSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;

/**
 * The long-running parts of an instance in one process ({@code osmanager run}, and the demo): the
 * agent, the page server and, unless the config disables it, the web terminal, the two web parts
 * attached to one {@link HttpLayer} (one Jetty server and thread pool). Started in order, closed in reverse. Not thread-safe: one
 * thread starts it, one (the shutdown hook) closes it.
 */
final class Daemon implements AutoCloseable {
  /** The parts as messages name them. */
  static final String PAGE_SERVER = "page server";
  static final String WEB_TERMINAL = "web terminal";

  /**
   * What the daemon runs on: LuoYun's config, with its controller, cookie and terminal settings;
   * or none, when another cloud's volume configured the instance: then no agent runs (there is no
   * controller), the pages serve their public view only (no cookie) and the terminal its defaults.
   */
  record Config(InstanceSpec.Source source, Optional<InstanceConfig> luoyun) {
    static Config of(InstanceConfig luoyun) {
      return new Config(InstanceSpec.Source.LUOYUN, Optional.of(luoyun));
    }
  }

  private final Home home;
  private final Config config;
  private final AgentListener agentListener;
  private final Duration statusInterval;
  private Agent agent;
  private HttpLayer http;
  private PageServer pages;
  private WebTerminal terminal;

  private final DaemonStatus status;

  /**
   * @param command what runs it ("run", "boot", "demo"), for {@code osmanager status}
   */
  Daemon(Home home, Config config, AgentListener agentListener, Duration statusInterval, String command) {
    this.home = home;
    this.config = config;
    this.status = new DaemonStatus(home, command);
    this.agentListener = event -> {
      agentListener.onEvent(event);
      status.onEvent(event);
    };
    this.statusInterval = statusInterval;
  }

  /**
   * @param pagesAt address of the page server (port 0: any free port)
   * @param terminalOptions where the web terminal listens (all addresses unless it says) and what
   *     it serves
   */
  void start(InetSocketAddress pagesAt, TerminalOptions terminalOptions, Logger log) throws Exception {
    Optional<InstanceConfig> luoyun = config.luoyun();
    if (luoyun.isPresent()) {
      agent = new Agent(AgentSettings.from(home, luoyun.get(), statusInterval, AgentSettings.DEFAULT_STATUS_TIMEOUT),
          agentListener);
    }
    Agent a = agent;
    AgentStatusSource agentStatus = a == null ? AgentStatusSource.UNKNOWN
        : () -> AgentStatus.of(a.isRegistered(), a.applicationStatus());

    http = HttpLayer.create();
    WebSsh webssh = luoyun.map(c -> c.settings().webssh()).orElse(WebSsh.DEFAULT);
    if (webssh.enabled()) {
      int port = terminalOptions.port() != null ? terminalOptions.port() : webssh.portOrDefault();
      terminal = new WebTerminal(WebTerminalSettings.defaults(home.stateDir())
          .withBind(terminalOptions.bind(), port)
          .withSsh(WebTerminalSettings.DEFAULT_SSH_HOST, terminalOptions.sshPort())
          .withSshHostKeys(terminalOptions.sshHostKeys())
          .withInstance(luoyun.map(WebTerminalSettings.Instance::of).orElseGet(() ->
              new WebTerminalSettings.Instance(OptionalInt.empty(), Configurator.instanceNames(home))))
          .withTls(terminalOptions.tls())
          .withFiles(terminalOptions.files()));
      terminal.attach(http); // makes the terminal's own certificate, when it has none for this instance
    }
    // the owner's page links to the terminal where it really listens (an option or port 0 may move it),
    // and shows the fingerprint of the certificate it serves
    WebTerminal t = terminal;
    pages = new PageServer(home, pagesAt, agentStatus,
        t == null ? TerminalLink.NONE : TerminalLink.of(t::port, t::fingerprint));
    pages.attach(http);
    try {
      http.start();
    } catch (HttpLayer.ListenException e) {
      throw named(PageServer.CONNECTOR_NAME.equals(e.portName()) ? PAGE_SERVER : WEB_TERMINAL, e);
    }
    log.info("page server on {}", pages.describe());
    if (terminal != null) {
      log.info("web terminal on port {} (https; certificate SHA-256 {}) -> ssh {}:{}", terminal.port(),
          terminal.fingerprint().orElse("?"), WebTerminalSettings.DEFAULT_SSH_HOST, terminalOptions.sshPort());
    } else {
      log.info("web terminal disabled by the instance config");
    }
    // the terminal listens where --webssh-bind says (an address literal, checked), else on all addresses
    status.started(config.source().id(), a == null ? Optional::empty : () -> Optional.of(a.controllerState()),
        a == null ? OptionalInt::empty : a::applicationStatus,
        new InetSocketAddress(pagesAt.getAddress(), pages.port()),
        terminal == null ? null : terminalOptions.bind().map(b -> new InetSocketAddress(b, terminal.port()))
            .orElseGet(() -> new InetSocketAddress(terminal.port())));
    if (a != null) {
      a.start();
    } else {
      log.info("no controller (config from {}): the agent does not run; the pages and the terminal serve",
          config.source().id());
    }
  }

  /**
   * {@code page server: cannot listen on 0.0.0.0:8080}, the system's reason kept as the cause: which
   * part failed, for the one line the command prints ({@code util/Errors}).
   */
  static IOException named(String part, HttpLayer.ListenException e) {
    return new IOException(part + ": " + e.getMessage(), e.getCause());
  }

  int pagePort() {
    return pages.port();
  }

  /** The terminal's port, or -1 when the config disables it. */
  int terminalPort() {
    return terminal == null ? -1 : terminal.port();
  }

  /** The SHA-256 fingerprint of the terminal's certificate, or "none" when the config disables it. */
  String terminalFingerprint() {
    return terminal == null ? "none" : terminal.fingerprint().orElse("none");
  }

  @Override
  public void close() throws Exception {
    // Every part is closed even when one fails; the first failure is the one reported.
    Closeables.closeAll(agent, terminal, pages, http);
  }
}
