package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WebCommandTest {
  @TempDir
  Path home;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void helpNamesEveryOptionAndItsDefault() {
    assertThat(run("web", "--help")).isZero();
    assertThat(out.toString()).contains("--home", "--port", "--bind", "8080", "/LuoYun", "withcookie",
        "nocookie", "status.json", "log/web.log");
  }

  @Test
  void aBadBindAddressIsBadInputOnOneLine() {
    assertThat(run("web", "--home", home.toString(), "--bind", "not an;address")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--bind: not an address of this host: \"not an;address\"\n");
  }

  @Test
  void aDottedAddressThatIsNotIpv4IsRefusedWithoutANameLookup() throws Exception {
    assertThat(run("web", "--home", home.toString(), "--bind", "1.2.3.999")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--bind: not an address of this host: \"1.2.3.999\"\n");
    assertThat(WebCommand.parseAddress("127.0.0.1")).isEqualTo(InetAddress.getLoopbackAddress());
    assertThat(WebCommand.parseAddress("[::1]").isLoopbackAddress()).isTrue();
  }

  @Test
  void aPortOutOfRangeIsBadInputOnOneLine() {
    assertThat(run("web", "--home", home.toString(), "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--port: 70000 is out of range (expected: 0..65535)\n");
  }

  @Test
  void aPortInUseFailsWithOneLineAndExitStatus1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(run("web", "--home", home.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port)))
          .isEqualTo(1);
      assertThat(err.toString()).isEqualTo("osmanager web: page server: cannot listen on 127.0.0.1:" + port + ": address already in use\n")
          .hasLineCount(1);
    }
  }
}
