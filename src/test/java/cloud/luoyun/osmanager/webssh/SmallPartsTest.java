package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Replay buffer, text from the server, settings. */
class SmallPartsTest {
  @Property
  void theReplayBufferKeepsTheLastBytesWrittenStartingAtALine(
      @ForAll @Size(max = 40) java.util.List<@Size(max = 50) byte[]> chunks,
      @ForAll @IntRange(min = 1, max = 64) int capacity) {
    ReplayBuffer buffer = new ReplayBuffer(capacity);
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (byte[] chunk : chunks) {
      buffer.append(chunk, 0, chunk.length);
      all.writeBytes(chunk);
    }
    byte[] everything = all.toByteArray();
    byte[] tail = Arrays.copyOfRange(everything, Math.max(0, everything.length - capacity), everything.length);
    byte[] snapshot = buffer.snapshot();
    if (everything.length <= capacity) {
      assertThat(snapshot).isEqualTo(everything);
    } else {
      int newline = indexOf(tail, (byte) '\n');
      assertThat(snapshot).isEqualTo(newline < 0 ? tail : Arrays.copyOfRange(tail, newline + 1, tail.length));
    }
  }

  /** Past its first {@value ReplayBuffer#INITIAL} bytes the buffer grows; what it keeps is the same. */
  @Property(tries = 200)
  void aGrowingReplayBufferKeepsTheSameAsAFullOne(
      @ForAll @Size(max = 30) java.util.List<@Size(max = 3000) byte[]> chunks,
      @ForAll @IntRange(min = 1, max = 12000) int capacity) {
    theReplayBufferKeepsTheLastBytesWrittenStartingAtALine(chunks, capacity);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void theReplayBufferStartsAfterALineBreakOnceItWrapped() {
    ReplayBuffer buffer = new ReplayBuffer(8);
    byte[] text = "abc\ndef\ngh".getBytes(StandardCharsets.US_ASCII);
    buffer.append(text, 0, text.length);
    assertThat(new String(buffer.snapshot(), StandardCharsets.US_ASCII)).isEqualTo("def\ngh"); // the last 8 bytes are "c\ndef\ngh"
  }

  @Test
  void textFromTheServerCannotRewriteTheScreen() {
    assertThat(ShellStream.printable("Password: \u001b[2J\u009b\u0007ok\nnext"))
        .isEqualTo("Password: [2Jok\r\nnext");
  }

  @Test
  void onlyLocalhostAndLoopbackLiteralsCountAsAnSshdOnThisHost() {
    WebTerminalSettings d = WebTerminalSettings.defaults(Path.of("/tmp/state"));
    for (String local : List.of("127.0.0.1", "127.0.1.1", "localhost", "LocalHost", "::1", "[::1]", "0:0:0:0:0:0:0:1")) {
      assertThat(d.withSsh(local, 22).sshOnThisHost()).as(local).isTrue();
    }
    // names are never looked up: one that resolves to loopback today may not tomorrow
    for (String other : List.of("10.0.0.5", "128.0.0.1", "127.0.0.256", "127.1", "::2", "fe80::1", "localhost.",
        "localhost.example", "127.0.0.1.example", "ip6-localhost", "::1x")) {
      assertThat(d.withSsh(other, 22).sshOnThisHost()).as(other).isFalse();
    }
  }

  @Test
  void theHostKeyDirectoryMustBeAnAbsolutePath() {
    WebTerminalSettings d = WebTerminalSettings.defaults(Path.of("/tmp/state"));
    assertThat(d.sshHostKeyDir()).isEqualTo(Path.of("/etc/ssh"));
    assertThatThrownBy(() -> d.withSshHostKeys(Path.of("etc/ssh")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sshHostKeyDir");
    assertThatThrownBy(() -> d.withSshHostKeys(null)).isInstanceOf(NullPointerException.class);
  }
}
