package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.util.Errors;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code osmanager controller}: the development controller. */
@Command(name = "controller", mixinStandardHelpOptions = true,
    description = {
        "A development controller: the cloud side of the agent's protocol, for tests and for appliance "
            + "builders without a LuoYun cloud. Authenticates agents of the instances in FILE as the real "
            + "controller does (an unknown tag or a wrong answer closes the connection; a REGISTER before "
            + "authentication or with a status other than 7 gets 1022), registers them, then sends each one "
            + "ECHO and one QUERY and says whether the answers were right. A connection has 10 s to "
            + "authenticate, and at most 256 may be doing so at once (one more closes the oldest), so idle "
            + "connections cannot lock agents out.",
        "Prints one line per event on stdout (JSON lines with --json); runs until SIGTERM or SIGINT (exit 0)."})
final class ControllerCommand implements Callable<Integer> {
  @Option(names = "--port", paramLabel = "N", defaultValue = "1369",
      description = "TCP port to listen on (0: any free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--instances", paramLabel = "FILE", required = true,
      description = "Known instances: one 'TAG KEY' a line; '#' starts a comment.")
  Path instances;

  @Option(names = "--json", description = "Print events as JSON lines.")
  boolean json;

  @Option(names = "--beacon", paramLabel = "GROUP:PORT",
      description = "Send JOIN beacons to this multicast group, e.g. 228.0.0.1:1369.")
  String beacon;

  @Option(names = "--beacon-interval", paramLabel = "SEC", defaultValue = "10",
      description = "Seconds between JOIN beacons. Default: ${DEFAULT-VALUE}.")
  long beaconInterval;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0",
      description = "IPv4 address to listen on; also the address JOIN beacons carry unless it is 0.0.0.0. "
          + "Default: ${DEFAULT-VALUE}.")
  String bind;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new ConfigException("--port", "not a port: " + port);
    }
    if (beaconInterval < 1) {
      throw new ConfigException("--beacon-interval", "must be at least 1 second: " + beaconInterval);
    }
    Ipv4Address bindAddress = Ipv4Address.parse("--bind", bind);
    Optional<InetSocketAddress> group = beacon == null ? Optional.empty() : Optional.of(parseGroup(beacon));
    Instances known;
    try {
      known = Instances.load(instances);
    } catch (IOException e) {
      throw new ConfigException("--instances", "cannot read " + instances + ": " + Errors.reason(e));
    }
    PrintStream out = System.out;
    DevController controller = new DevController(new DevController.Options(bindAddress.toInetAddress(), port, known,
        group, Duration.ofSeconds(beaconInterval), true), event -> print(out, event));
    return ServiceRunner.runUntilSignalled("controller", controller::start, controller);
  }

  private void print(PrintStream out, ControllerEvent event) {
    String line = json ? event.json() : event.line();
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  static InetSocketAddress parseGroup(String text) throws ConfigException {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigException("--beacon", "expected GROUP:PORT: \"" + text + "\"");
    }
    Ipv4Address group = Ipv4Address.parse("--beacon", text.substring(0, colon));
    if (!group.isMulticast()) {
      throw new ConfigException("--beacon", "not a multicast group: " + group);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException("--beacon", "not a port: \"" + text.substring(colon + 1) + "\"");
    }
    return new InetSocketAddress(group.toInetAddress(), port);
  }
}
