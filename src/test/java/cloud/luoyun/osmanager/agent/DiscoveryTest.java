package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameWriter;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

  @Test
  void theJoinVectorGivesTheControllersAddress() throws Exception {
    String line = Files.readAllLines(TestFiles.vector("session.txt")).stream()
        .filter(l -> l.startsWith("clc->multicast")).findFirst().orElseThrow();
    byte[] bytes = HexFormat.of().parseHex(line.split("\t")[2]);
    assertThat(Discovery.parseJoin(bytes, bytes.length)).contains(new InetSocketAddress("192.168.1.11", 1369));
  }

  @Test
  void aJoinWithATerminatingNulIsAccepted() {
    assertThat(parse(new Frame(OsmProtocol.JOIN, "join 10.0.0.1 1369\0".getBytes())))
        .contains(new InetSocketAddress("10.0.0.1", 1369));
  }

  @Test
  void anythingButAWellFormedJoinIsIgnored() {
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "join example.com 1369"))).as("no DNS lookups").isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "join 10.0.0.1 0"))).isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "join 10.0.0.1 65536"))).isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "join 10.0.0.1 99999999999"))).isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "join 0.0.0.0 1369"))).isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "join 228.0.0.1 1369"))).isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "join 10.0.0.1 1369 extra"))).isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.JOIN, "leave 10.0.0.1 1369"))).isEmpty();
    assertThat(parse(Frame.text(OsmProtocol.REGISTER_REQUEST, "join 10.0.0.1 1369"))).isEmpty();
    byte[] truncated = FrameWriter.encode(Frame.text(OsmProtocol.JOIN, "join 10.0.0.1 1369"));
    assertThat(Discovery.parseJoin(truncated, truncated.length - 1)).isEmpty();
  }

  @Property(tries = 500)
  void randomDatagramsAreIgnoredWithoutAnException(@ForAll byte[] datagram) {
    Discovery.parseJoin(datagram, datagram.length);
  }

  private static Optional<InetSocketAddress> parse(Frame frame) {
    byte[] bytes = FrameWriter.encode(frame);
    return Discovery.parseJoin(bytes, bytes.length);
  }
}
