package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.http.HttpLayer;
import cloud.luoyun.osmanager.http.JettyDefaults;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.Logging;
import cloud.luoyun.osmanager.web.AgentStatusSource;
import cloud.luoyun.osmanager.web.PageServer;
import cloud.luoyun.osmanager.web.TerminalLink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code osmanager web}: the instance's own web page, alone in its process. */
@Command(name = "web", mixinStandardHelpOptions = true,
    description = {
        "Serves the instance's web page (default port 8080): custom/www/withcookie/ to the owner "
            + "(URL ?cookie=<cookie from conf/luoyun.conf>), custom/www/nocookie/ to everyone else, "
            + "built-in pages when the appliance has none.",
        "Fills $hostname $application $version1 $version2 $curtime in HTML pages; the owner also "
            + "gets /status.json?cookie=<cookie>.",
        "Access log: log/web.log; messages: log/web-server.log and stdout. Runs until stopped."})
final class WebCommand implements Callable<Integer> {
  @Mixin
  HomeOption home;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
      description = "TCP port to listen on (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR",
      description = "Address to listen on. Default: all addresses.")
  String bind;

  @Option(names = {"-v", "--verbose"}, description = "Log debugging detail too.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    JettyDefaults.prepare(); // before any Jetty class loads
    // bad input: a ConfigException naming the option, one line and exit 2 (Main)
    OptionCheck.listenPort("--port", port);
    Optional<String> literal = OptionCheck.bindAddress("--bind", bind);
    InetAddress address = literal.isEmpty() ? null : InetAddress.getByName(literal.get()); // a literal: no lookup
    Logging.configure(home.home().logDir(), "web-server.log", verbose);
    InetSocketAddress socket = address == null ? new InetSocketAddress(port)
        : new InetSocketAddress(address, port);
    PageServer pages = new PageServer(home.home(), socket, AgentStatusSource.UNKNOWN,
        TerminalLink.configured(home.home()));
    try {
      // PageServer logs "serving ... on http://ADDR:PORT/" (stdout and log/web-server.log)
      return ServiceRunner.runUntilSignalled("osmanager web", pages::start, pages);
    } catch (HttpLayer.ListenException e) {
      throw Daemon.named(Daemon.PAGE_SERVER, e); // Main prints it: one line, exit status 1
    }
  }

  /**
   * An IP literal (v4 or v6) or a name such as {@code localhost}. Something made of digits and
   * dots must be a valid IPv4 address: it is never looked up as a name.
   */
  static InetAddress parseAddress(String s) throws UnknownHostException {
    String t = s.strip();
    if (t.matches("[0-9.]+")) {
      try {
        return Ipv4Address.parse("--bind", t).toInetAddress();
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
    }
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 255 || !t.matches("[A-Za-z0-9.:%_-]+")) {
      throw new IllegalArgumentException("not an address");
    }
    return InetAddress.getByName(t);
  }
}
