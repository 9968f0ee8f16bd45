package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.TestTls;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code osmanager run}: agent, page server and web terminal in one process. */
class RunCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  private static final String COOKIE = "5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  @Test
  void oneProcessRegistersServesThePageWithLiveAgentStateAndTheTerminalPage() throws Exception {
    Recorder<ControllerEvent> events = new Recorder<>();
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), events::accept)) {
      InetSocketAddress clc = controller.start();
      Path home = home(clc, "{\"cookie\": \"" + COOKIE + "\", \"webssh\": {\"status\": \"enable\", \"port\": 8001}}");

      try (OsmProcess run = OsmProcess.start(List.of(), "run", "--home", home.toString(), "--web-port", "0",
          "--webssh-port", "0", "--webssh-bind", "127.0.0.1", "--status-interval", "1")) {
        int webPort = port(run.lines.await(l -> l.contains("page server on"), WAIT), "http://0\\.0\\.0\\.0:(\\d+)/");
        int termPort = port(run.lines.await(l -> l.contains("web terminal on port"), WAIT), "on port (\\d+)");
        events.await(e -> e.line().startsWith("report tag=42 status=2000"), WAIT);

        HttpResponse<String> page = get(webPort, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("DemoApp").contains("4.0.7");
        String status = get(webPort, "/status.json?cookie=" + COOKIE).body();
        assertThat(status).containsPattern("\"registered\"\\s*:\\s*true").containsPattern("\"status\"\\s*:\\s*2000");
        HttpResponse<String> terminal = getOverTls(termPort, "/");
        assertThat(terminal.statusCode()).isEqualTo(200);
        assertThat(terminal.body()).contains("xterm");
        // the owner's page shows the fingerprint of the certificate the terminal serves, its own for TAG 42
        X509Certificate served = TestTls.servedCertificate("127.0.0.1", termPort);
        assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=LuoYun instance 42");
        assertThat(get(webPort, "/?cookie=" + COOKIE).body()).contains(TlsIdentity.fingerprint(served));
        assertThat(home.resolve("state/webssh-tls.key")).exists();
        String[] shown = new String[1];
        assertThat(status(home, shown)).as("status exit while running").isZero();
        assertThat(shown[0]).contains("osmanager run (pid " + run.pid() + ") running since")
            .containsPattern(" ago\\): healthy\n")
            .contains("controller:   registered with 127.0.0.1:" + clc.getPort() + " since ")
            .contains("last report:  2000 (serving) at ").contains("application:  2000 (serving)")
            .contains("page server:  port " + webPort + ", listening")
            .contains("web terminal: port " + termPort + ", listening");
        assertThat(status(home, shown, "--json")).isZero();
        assertThat(shown[0]).contains("\"running\":true,\"health\":\"healthy\",\"exitStatus\":0,\"problems\":[]")
            .containsPattern("\"registeredSince\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d\"")
            .contains("\"pageServer\":{\"port\":" + webPort + ",\"listening\":true}");
        // where --webssh-bind put the terminal, not the page server's address
        assertThat(Files.readString(home.resolve("state/daemon.json")))
            .containsPattern("\"terminal\"\\s*:\\s*\\{\"address\"\\s*:\\s*\"127\\.0\\.0\\.1\"\\s*,\\s*\"port\"\\s*:\\s*" + termPort);

        assertThat(run.lines.await(l -> l.contains("osmanager run started (osmanager "), WAIT))
            .endsWith(", pid " + run.pid() + ")");

        assertThat(run.terminate(WAIT)).as("exit status after SIGTERM").isZero();
        run.lines.await(l -> l.endsWith("INFO  cli.ServiceRunner: osmanager run stopping on SIGTERM"), WAIT);
      }
      String[] shown = new String[1];
      assertThat(status(home, shown, "--json")).as("status exit once stopped").isEqualTo(3);
      assertThat(shown[0]).contains("\"running\":false").contains("\"command\":\"run\"")
          .contains("\"lastStartedAt\":\"").doesNotContain("registered").doesNotContain("\"pid\"");
      events.await(e -> e.line().startsWith("disconnected tag=42"), WAIT);
    }
  }

  /**
   * Issue 23 §5: configured from another cloud's volume (a copy in conf/nocloud, no luoyun.conf),
   * there is no controller: the agent does not run, the page (public view only: no cookie) and the
   * terminal serve, and status is healthy and says why there is no controller.
   */
  @Test
  void withAnotherCloudsConfigThereIsNoControllerAndThePagesAndTheTerminalServe() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("conf/nocloud"));
    Files.createDirectories(home.resolve("build"));
    Files.writeString(home.resolve("build/VERSION"), "Version: 1.0\nDemoApp: 4.0.7\n");

    try (OsmProcess run = OsmProcess.start(List.of(), "run", "--home", home.toString(), "--web-port", "0",
        "--webssh-port", "0", "--webssh-bind", "127.0.0.1")) {
      int webPort = port(run.lines.await(l -> l.contains("page server on"), WAIT), "http://0\\.0\\.0\\.0:(\\d+)/");
      int termPort = port(run.lines.await(l -> l.contains("web terminal on port"), WAIT), "on port (\\d+)");
      run.lines.await(l -> l.contains("no controller (config from nocloud)"), WAIT);

      HttpResponse<String> page = get(webPort, "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("DemoApp");
      assertThat(getOverTls(termPort, "/").body()).contains("xterm");
      String[] shown = new String[1];
      assertThat(status(home, shown)).as("status exit").isZero();
      assertThat(shown[0]).containsPattern(" ago\\): healthy\n")
          .contains("controller:   no controller (config from nocloud)")
          .contains("web terminal: port " + termPort + ", listening")
          .doesNotContain("not registered").doesNotContain("application:");
      assertThat(status(home, shown, "--json")).isZero();
      assertThat(shown[0]).contains("\"health\":\"healthy\"").contains("\"config\":\"nocloud\"")
          .doesNotContain("\"controller\"");
      assertThat(run.lines.all()).noneMatch(l -> l.contains("registered with"));
      assertThat(run.terminate(WAIT)).isZero();
    }
  }

  @Test
  void theTerminalIsNotStartedWhenTheConfigDisablesIt() throws Exception {
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), e -> { })) {
      Path home = home(controller.start(), "{\"webssh\": {\"status\": \"disable\"}}");

      try (OsmProcess run = OsmProcess.start(List.of(), "run", "--home", home.toString(), "--web-port", "0")) {
        run.lines.await(l -> l.contains("web terminal disabled by the instance config"), WAIT);
        run.lines.await(l -> l.contains("registered with"), WAIT);

        assertThat(run.lines.all()).noneMatch(l -> l.contains("web terminal on port"));
        assertThat(run.terminate(WAIT)).isZero();
      }
    }
  }

  /**
   * Issue 9: the web terminal costs nothing until it is used. Jetty's WebSocket machinery loads at
   * the first WebSocket (not at start, not for the page), MINA SSHD at the first login; watched
   * with -verbose:class. And the owner's page links to the terminal where it really listens.
   */
  @Test
  void theTerminalLoadsItsWebSocketAndSshOnlyWhenTheFirstSessionNeedsThemAndThePageLinksToItsRealPort()
      throws Exception {
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), e -> { })) {
      Path home = home(controller.start(), "{\"cookie\": \"" + COOKIE + "\", \"webssh\": {\"port\": 8001}}");
      int closedPort;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort(); // nothing listens there once closed: the login fails fast
      }
      try (OsmProcess run = OsmProcess.start(List.of(), List.of("-verbose:class"), "run", "--home", home.toString(),
          "--web-port", "0", "--webssh-port", "0", "--ssh-port", Integer.toString(closedPort))) {
        int webPort = port(run.lines.await(l -> l.contains("page server on"), WAIT), "http://0\\.0\\.0\\.0:(\\d+)/");
        int termPort = port(run.lines.await(l -> l.contains("web terminal on port"), WAIT), "on port (\\d+)");
        run.lines.await(l -> l.contains("registered with"), WAIT);

        assertThat(get(webPort, "/?cookie=" + COOKIE).body()).contains(":" + termPort + "/\"")
            .doesNotContain(":8001");
        assertThat(getOverTls(termPort, "/").body()).contains("terminal.js");
        assertThat(loaded(run, "org.eclipse.jetty.websocket.")).as("WebSocket classes before a socket").isEmpty();
        assertThat(loaded(run, "org.apache.sshd.")).isEmpty();

        org.eclipse.jetty.websocket.client.WebSocketClient ws = TestTls.webSocketClient();
        try {
          var page = cloud.luoyun.osmanager.webssh.WebSshTestAccess.open(ws, termPort);
          page.awaitText("login: ");
          assertThat(loaded(run, "org.eclipse.jetty.websocket.")).isNotEmpty();
          assertThat(loaded(run, "org.apache.sshd.")).as("SSH classes before a login").isEmpty();
          page.type("someone\r");
          page.awaitText("Cannot reach the SSH server");
          run.lines.await(l -> l.contains("org.apache.sshd.client.SshClient"), WAIT);
        } finally {
          ws.stop();
        }
        assertThat(run.terminate(WAIT)).isZero();
      }
    }
  }

  /** The classes of a package the JVM has loaded so far (from -verbose:class). */
  private static List<String> loaded(OsmProcess run, String packagePrefix) {
    return run.lines.all().stream().filter(l -> l.contains("[class,load] " + packagePrefix)).toList();
  }

  @Test
  void anInvalidConfigIsOneLineAndExitTwo() throws Exception {
    Path home = dir.resolve("bad");
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/luoyun.conf"), "TAG=x\nKEY=k\n");

    try (OsmProcess run = OsmProcess.start(List.of(), "run", "--home", home.toString())) {
      assertThat(run.lines.await(l -> l.startsWith("TAG:"), WAIT)).isEqualTo("TAG: not an int32: \"x\"");
      // it ends by itself: a SIGTERM sent between the line and the exit made this 143 on a busy machine
      assertThat(run.exitStatus(WAIT)).isEqualTo(2);
    }
  }

  /** Issue 11: a daemon killed while it rewrote state/daemon.json left its temp file there for good. */
  @Test
  void theTempFileOfADaemonKilledWhileItWroteItsStateIsRemovedByTheNextDaemon() throws Exception {
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), e -> { })) {
      Path home = home(controller.start(), "{\"webssh\": {\"status\": \"disable\"}}");
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor();
      Path left = home.resolve("state/.daemon.json.osm-" + gone.pid() + "-5ee1d0a4e8b7f6a3");
      Files.createDirectories(left.getParent());
      Files.writeString(left, "{\"command\":\"ru");

      try (OsmProcess run = OsmProcess.start(List.of(), "run", "--home", home.toString(), "--web-port", "0")) {
        run.lines.await(l -> l.contains("registered with"), WAIT);

        assertThat(left).doesNotExist();
        assertThat(home.resolve("state/daemon.json")).exists();
        assertThat(run.terminate(WAIT)).isZero();
      }
    }
  }

  @Test
  void aPortInUseIsOneLineNamingThePartThatCannotListenAndWhy() throws Exception {
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), e -> { });
        java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      Path home = home(controller.start(), "{}");
      String port = Integer.toString(taken.getLocalPort());

      for (List<String> ports : List.of(List.of("--web-port", port, "--webssh-port", "0"),
          List.of("--web-port", "0", "--webssh-port", port))) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--home", home.toString()));
        args.addAll(ports);
        String part = ports.get(1).equals(port) ? "page server" : "web terminal";
        try (OsmProcess run = OsmProcess.start(List.of(), args.toArray(String[]::new))) {
          assertThat(run.lines.await(l -> l.startsWith("osmanager run:"), WAIT))
              .isEqualTo("osmanager run: " + part + ": cannot listen on 0.0.0.0:" + port + ": address already in use");
          assertThat(run.exitStatus(WAIT)).isEqualTo(1);
          assertThat(run.lines.all()).noneMatch(l -> l.contains("Exception") || l.contains("\tat "));
        }
      }
    }
  }

  private Path home(InetSocketAddress clc, String json) throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("build"));
    Files.createDirectories(home.resolve("custom/scripts"));
    Files.writeString(home.resolve("conf/luoyun.conf"), "CLC_IP=127.0.0.1\nCLC_PORT=" + clc.getPort()
        + "\nTAG=42\nKEY=" + KEY + "\nJSON=" + json + "\n");
    Files.writeString(home.resolve("build/VERSION"), "Version: 1.0\nDemoApp: 4.0.7\n");
    Path script = home.resolve("custom/scripts/status");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /** Runs {@code osmanager status --home HOME [args]} in-process; its output goes to shown[0]. */
  private static int status(Path home, String[] shown, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(out, true));
    List<String> all = new java.util.ArrayList<>(List.of("status", "--home", home.toString()));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    shown[0] = out.toString();
    return exit;
  }

  @Test
  void statusSaysSoWhenNoDaemonEverRanUnderTheHome() {
    String[] shown = new String[1];

    assertThat(status(dir, shown)).isEqualTo(3);
    assertThat(shown[0]).contains("no osmanager daemon has run with home " + dir);
  }

  private static int port(String line, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static HttpResponse<String> getOverTls(int port, String path) throws Exception {
    return TestTls.httpClient().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
