package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input to the agent, controller and daemon commands: exit 2 and one line naming the field. */
class CommandInputTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void anInstancesFileWithABadTagIsRefusedNamingTheLine() throws Exception {
    Path instances = dir.resolve("instances");
    Files.writeString(instances, "7 key\nseven key\n");
    assertThat(run("controller", "--instances", instances.toString(), "--port", "0")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(instances + ":2: tag is not an int32: \"seven\"\n");
  }

  @Test
  void aBeaconThatIsNotAMulticastGroupIsRefused() throws Exception {
    Path instances = dir.resolve("instances");
    Files.writeString(instances, "7 key\n");
    assertThat(run("controller", "--instances", instances.toString(), "--beacon", "10.0.0.1:1369")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--beacon: not a multicast group: 10.0.0.1\n");
  }

  @Test
  void anAgentWithoutAConfigIsRefusedNamingTheFile() {
    assertThat(run("agent", "--home", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith(dir.resolve("conf/luoyun.conf") + ": no such file; 'osmanager configure' "
        + "stores it there").doesNotContain("\n\n");
    assertThat(err.toString().lines()).hasSize(1);
  }

  @Test
  void anAgentWithAZeroStatusIntervalIsRefused() {
    assertThat(run("agent", "--home", dir.toString(), "--status-interval", "0")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--status-interval: must be at least 1 second: 0\n");
  }

  @Test
  void anAgentWithAnInvalidConfigIsRefusedNamingTheKey() throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/luoyun.conf"), "CLC_IP=1.2.3\nTAG=7\nKEY=k\n");
    assertThat(run("agent", "--home", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("CLC_IP: ");
  }

  @Test
  void theDaemonCommandsRefuseAnEmptyHostKeyFolder() {
    for (String command : new String[] {"run", "boot"}) {
      err.getBuffer().setLength(0);
      assertThat(run(command, "--home", dir.toString(), "--ssh-host-keys", "")).as(command).isEqualTo(2);
      assertThat(err.toString()).as(command).isEqualTo("--ssh-host-keys: empty\n");
    }
  }
}
