package cloud.luoyun.osmanager.configure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A throw-away network namespace (name {@code osmc} + random suffix) with veth NICs, removed on
 * close, also when the test failed, and at once when adding a NIC fails. Needs root (CI runs as
 * root). Recipe: shared/TESTING.md.
 */
final class Netns implements AutoCloseable {
  final String name;
  private final List<String> extra = new ArrayList<>();

  private Netns(String name) {
    this.name = name;
  }

  static String randomName() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return "osmc" + HexFormat.of().formatHex(b);
  }

  static Netns create() throws IOException, InterruptedException {
    return create(randomName());
  }

  static Netns create(String name) throws IOException, InterruptedException {
    Netns ns = new Netns(name);
    sh("ip", "netns", "add", ns.name);
    try {
      sh("ip", "-n", ns.name, "link", "set", "lo", "up");
    } catch (IOException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** A veth NIC {@code nic} with {@code mac} whose peer (up, so it has a carrier) stays in this netns. */
  Netns nic(String nic, String mac, String peer) throws IOException, InterruptedException {
    return orClose(() -> {
      sh("ip", "-n", name, "link", "add", nic, "type", "veth", "peer", "name", peer);
      sh("ip", "-n", name, "link", "set", nic, "address", mac);
      sh("ip", "-n", name, "link", "set", peer, "up");
    });
  }

  /**
   * A veth NIC whose peer lives in a second namespace, so this one holds exactly the NICs the test
   * made (for matching by order).
   */
  Netns nicWithRemotePeer(String nic, String mac) throws IOException, InterruptedException {
    return orClose(() -> {
      String other = randomName();
      sh("ip", "netns", "add", other);
      extra.add(other);
      sh("ip", "-n", name, "link", "add", nic, "type", "veth", "peer", "name", "far" + extra.size());
      sh("ip", "-n", name, "link", "set", nic, "address", mac);
      sh("ip", "-n", name, "link", "set", "far" + extra.size(), "netns", other);
      sh("ip", "-n", other, "link", "set", "far" + extra.size(), "up");
    });
  }

  private interface Setup {
    void run() throws IOException, InterruptedException;
  }

  /**
   * Runs a set-up step; when it fails, removes the namespaces before rethrowing: the caller has
   * no reference yet to close ({@code try (Netns ns = Netns.create().nic(...))}).
   */
  private Netns orClose(Setup setup) throws IOException, InterruptedException {
    try {
      setup.run();
      return this;
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  String ip(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", name));
    argv.addAll(List.of(args));
    return sh(argv.toArray(String[]::new));
  }

  static String sh(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", argv) + ": " + out);
    }
    return out;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (String other : extra) {
      new ProcessBuilder("ip", "netns", "del", other).start().waitFor();
    }
    new ProcessBuilder("ip", "netns", "del", name).start().waitFor();
  }
}
