package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.webssh.FilesMode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The one way options are checked: the same option gets the same words on every command, and
 * a port to listen on may be 0 wherever it appears (webssh refused it while run took it).
 */
class OptionCheckTest {

  @Test
  void aListeningPortMayBeZeroOnEveryCommandAndIsRefusedInTheSameWords() throws Exception {
    assertThat(OptionCheck.listenPort("--port", 0)).isZero();
    assertThatThrownBy(() -> OptionCheck.listenPort("--port", 65536)).isInstanceOf(ConfigException.class)
        .hasMessage("--port: 65536 is out of range (expected: 0..65535)");
    assertThatThrownBy(() -> OptionCheck.listenPort("--webssh-port", -1))
        .hasMessage("--webssh-port: -1 is out of range (expected: 0..65535)");
    assertThatThrownBy(() -> OptionCheck.port("--ssh-port", 0))
        .hasMessage("--ssh-port: 0 is out of range (expected: 1..65535)");
  }

  @Test
  void emptyValuesPeriodsAddressesAndTheFilesModeNameTheirOption() throws Exception {
    assertThatThrownBy(() -> OptionCheck.notBlank("--ssh-host-keys", Path.of(""))).hasMessage("--ssh-host-keys: empty");
    assertThatThrownBy(() -> OptionCheck.notBlank("--ssh-host", " ")).hasMessage("--ssh-host: empty");
    assertThatThrownBy(() -> OptionCheck.seconds("--status-interval", 0))
        .hasMessage("--status-interval: must be at least 1 second: 0");
    assertThatThrownBy(() -> OptionCheck.bindAddress("--bind", "300.1.1.1"))
        .hasMessage("--bind: not an address of this host: \"300.1.1.1\"");
    assertThat(OptionCheck.bindAddress("--bind", "127.0.0.1")).hasValue("127.0.0.1");
    assertThat(OptionCheck.bindAddress("--bind", null)).isEmpty();
    assertThat(OptionCheck.files("--files", "upload")).isEqualTo(FilesMode.UPLOAD);
    assertThatThrownBy(() -> OptionCheck.files("--files", "yes"))
        .hasMessage("--files: 'yes' is not one of on, off, download, upload");
  }
}
