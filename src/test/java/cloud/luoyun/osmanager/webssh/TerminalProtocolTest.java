package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.webssh.TerminalProtocol.Ack;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.Hello;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.Input;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.ProtocolException;
import cloud.luoyun.osmanager.webssh.TerminalProtocol.Resize;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TerminalProtocolTest {
  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  @Test
  void decodesEachMessageOfThePage() throws Exception {
    // INPUT "ls\r"
    assertThat(((Input) TerminalProtocol.decode(hex("00 6c 73 0d"))).bytes()).isEqualTo("ls\r".getBytes());
    // RESIZE 132 columns, 43 rows
    assertThat(TerminalProtocol.decode(hex("01 0084 002b"))).isEqualTo(new Resize(132, 43));
    // ACK 65536 bytes
    assertThat(TerminalProtocol.decode(hex("02 00010000"))).isEqualTo(new Ack(65536));
    // HELLO 80x24, no token
    assertThat(TerminalProtocol.decode(hex("03 0050 0018"))).isEqualTo(new Hello(80, 24, ""));
  }

  @Test
  void helloCarriesAToken() throws Exception {
    String token = "A".repeat(42) + "_";
    assertThat(TerminalProtocol.decode(TerminalProtocol.hello(100, 30, token)))
        .isEqualTo(new Hello(100, 30, token));
  }

  @Test
  void refusesWhatBreaksTheFormatWithAMessageSayingWhat() {
    assertThatThrownBy(() -> TerminalProtocol.decode(hex(""))).hasMessage("empty message");
    assertThatThrownBy(() -> TerminalProtocol.decode(hex("00"))).hasMessageContaining("INPUT is 0 bytes");
    assertThatThrownBy(() -> TerminalProtocol.decode(hex("01 0050"))).hasMessage("RESIZE is 2 bytes (expected: 4)");
    assertThatThrownBy(() -> TerminalProtocol.decode(hex("01 0000 0018"))).hasMessageContaining("columns 0");
    assertThatThrownBy(() -> TerminalProtocol.decode(hex("01 0050 ffff"))).hasMessageContaining("rows 65535");
    assertThatThrownBy(() -> TerminalProtocol.decode(hex("03 0050 0018 41"))).hasMessageContaining("HELLO is 5 bytes");
    assertThatThrownBy(() -> TerminalProtocol.decode(TerminalProtocol.hello(80, 24, "/".repeat(43))))
        .hasMessageContaining("base64url");
    assertThatThrownBy(() -> TerminalProtocol.decode(hex("7f"))).hasMessage("unknown message type 127");
    assertThatThrownBy(() -> TerminalProtocol.decode(ByteBuffer.allocate(TerminalProtocol.MAX_INPUT + 2)))
        .hasMessageContaining("INPUT is 16385 bytes");
  }

  @Property
  void anyBytesDecodeOrFailWithAProtocolExceptionOnly(@ForAll @Size(max = 80) byte[] message) {
    try {
      TerminalProtocol.decode(ByteBuffer.wrap(message));
    } catch (ProtocolException expected) {
      // refused cleanly
    }
  }

  @Test
  void serverMessagesStartWithTheirType() {
    ByteBuffer output = TerminalProtocol.output("xhi".getBytes(), 1, 2);
    assertThat(output.remaining()).isEqualTo(3);
    assertThat(output.get(0)).isEqualTo(TerminalProtocol.OUTPUT);
    assertThat(TerminalProtocol.session("tok").get(0)).isEqualTo(TerminalProtocol.SESSION);
    assertThat(TerminalProtocol.replay(new byte[0]).get(0)).isEqualTo(TerminalProtocol.REPLAY);
  }
}
