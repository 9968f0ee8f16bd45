package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.Home;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An install layout in a temp folder and a page server on a loopback ephemeral port, for tests.
 * The clock is fixed at 14:07 (Asia/Shanghai), so {@code $curtime} is known.
 */
final class TestSite implements AutoCloseable {
  static final String COOKIE = "5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817";
  static final String OTHER_COOKIE = "5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392818";
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  /** 14:07 in Shanghai. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T06:07:42Z"), ZONE);
  static final String SETTINGS = "{\"cookie\": \"" + COOKIE + "\", \"webssh\": {\"status\": \"enable\", "
      + "\"port\": 8001}, \"network\": [{\"ip\": \"10.0.0.5\", \"mac\": \"92:fd:3c:00:00:07\"}], "
      + "\"domain\": {\"ip\": \"10.0.0.5\", \"name\": \"owncloud.example.com\"}}";

  final Path dir;
  final Home home;
  /** The page server's recheck clock, moved by hand: {@link #aSecondLater()}. */
  private final AtomicLong ticks = new AtomicLong();
  private final Recheck recheck = new Recheck(Recheck.EVERY_SECOND.intervalNanos(), ticks::get);
  PageServer server;
  RawHttp http;

  TestSite(Path dir) throws IOException {
    this.dir = dir;
    this.home = new Home(dir);
    Files.createDirectories(home.confDir());
    Files.createDirectories(home.buildDir());
    writeSettings(SETTINGS);
    write(home.versionFile(), "Version: 1.0\nOwnCloud: 4.0.7\n");
  }

  static String conf(String settingsJson) {
    return "CLC_IP=192.168.1.11\nCLC_PORT=1369\nCLC_MCAST_IP=228.0.0.1\nCLC_MCAST_PORT=1369\nTAG=7\n"
        + "KEY=015e33a8-787d-457e-b84d-c2a101a816e0\nJSON=" + settingsJson + "\n";
  }

  /** Replaces luoyun.conf atomically (new inode), as the configurator does. */
  void writeSettings(String settingsJson) throws IOException {
    write(home.conf(), conf(settingsJson));
  }

  static void write(Path file, String content) throws IOException {
    write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  static void write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  void ownerPage(String name, String content) throws IOException {
    write(home.wwwWithCookie().resolve(name), content);
  }

  void publicPage(String name, String content) throws IOException {
    write(home.wwwNoCookie().resolve(name), content);
  }

  TestSite start() throws Exception {
    return start(AgentStatusSource.UNKNOWN, HostAddresses.system());
  }

  TestSite start(AgentStatusSource agent, HostAddresses addresses) throws Exception {
    return start(agent, addresses, new ConfiguredTerminalLink(home, recheck));
  }

  TestSite start(AgentStatusSource agent, HostAddresses addresses, TerminalLink terminal) throws Exception {
    server = new PageServer(home, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), agent, terminal,
        CLOCK, Path.of("/proc"), addresses).recheck(recheck);
    server.start();
    http = new RawHttp(server.port());
    return this;
  }

  /** As if a second had passed: the page server looks at its files again (it would, once a second). */
  TestSite aSecondLater() {
    ticks.addAndGet(Recheck.EVERY_SECOND.intervalNanos());
    return this;
  }

  RawHttp.Response get(String target, String... headers) throws IOException {
    return http.get(target, headers);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
