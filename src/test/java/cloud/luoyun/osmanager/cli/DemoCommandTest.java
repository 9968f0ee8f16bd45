package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void theDemoBootsAnInstanceRegistersItServesItsPageAndCleansUp() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = Main.commandLine().execute("demo", "--seconds", "4", "--web-port", "0", "--status-interval", "1");
    } finally {
      System.setOut(saved);
    }
    String out = captured.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(out).isZero();
    assertThat(out)
        .contains("configure  config: changed")
        .contains("configure  root-password: changed")
        .contains("configure  root-ssh-key: changed")
        .contains("agent      registered with 127.0.0.1:")
        .contains("controller report tag=7 status=2000 (serving)")
        .contains("controller echo-ok tag=7")
        .contains("web        owner page  http://127.0.0.1:")
        .contains("webssh     web terminal https://127.0.0.1:")
        .doesNotContain("failed");
    Matcher folder = Pattern.compile("demo       folder (\\S+)").matcher(out);
    assertThat(folder.find()).as(out).isTrue();
    assertThat(out).contains("demo       removed " + folder.group(1));
    assertThat(Files.exists(Path.of(folder.group(1)))).isFalse();
  }
}
