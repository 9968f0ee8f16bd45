package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * 300 connections of random and hostile frames (negative, huge, truncated and lying lengths,
 * unknown types, bodies of the wrong size), sent at each stage of the session; after each, the
 * same agent must connect again and register cleanly with a sane controller.
 */
class HostileControllerPropertiesTest {
  private static final int[] KNOWN = {OsmProtocol.JOIN, OsmProtocol.ECHO_REQUEST, OsmProtocol.ECHO_REPLY,
      OsmProtocol.QUERY_REQUEST, OsmProtocol.QUERY_REPLY, OsmProtocol.REGISTER_REQUEST, OsmProtocol.REGISTER_REPLY,
      OsmProtocol.REPORT, OsmProtocol.AUTH_REQUEST, OsmProtocol.AUTH_REPLY};

  private static Path home;
  private static RawController controller;
  private static Agent agent;
  private static final Recorder<AgentEvent> events = new Recorder<>();

  @BeforeContainer
  static void startAgent() throws IOException {
    home = Files.createTempDirectory("osm-hostile");
    controller = new RawController();
    AgentFixture fixture = new AgentFixture(home);
    Agent.Tuning fast = new Agent.Tuning(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(60),
        Duration.ofSeconds(2), Duration.ofSeconds(2), 3, new Random(1), System::nanoTime);
    agent = new Agent(fixture.settings(Optional.of(controller.address()), Duration.ofSeconds(60)),
        events::accept, fast);
    agent.start();
  }

  @AfterContainer
  static void stopAgent() throws IOException {
    agent.close();
    controller.close();
    TestFiles.deleteTree(home);
  }

  /**
   * @param stage 0: hostile bytes right after the agent's challenge; 1: after a right answer;
   *     2: after a complete registration
   */
  @Property(tries = 300)
  void afterHostileFramesTheAgentRegistersWithASaneController(
      @ForAll @IntRange(min = 0, max = 2) int stage, @ForAll("hostileFrames") List<byte[]> hostile) throws Exception {
    try (RawController.Connection c = controller.accept()) {
      Frame agentChallenge = c.readExpecting(OsmProtocol.AUTH_REQUEST);
      if (stage >= 1) {
        c.writer.write(c.answer(agentChallenge));
      }
      if (stage >= 2) {
        c.writer.write(c.challenge());
        c.readExpecting(OsmProtocol.AUTH_REPLY);
        c.readExpecting(OsmProtocol.REGISTER_REQUEST);
        c.writer.write(Frame.int32(OsmProtocol.REGISTER_REPLY, OsmProtocol.REGISTER_SUCCESS));
      }
      try {
        for (byte[] bytes : hostile) {
          c.write(bytes);
        }
      } catch (IOException e) {
        // the agent already hung up on us: fine
      }
      c.finish();
    }
    try (RawController.Connection c = controller.accept()) {
      assertThat(c.register()).isEqualTo("7 7 127.0.0.1");
      Frame report = c.readExpecting(OsmProtocol.REPORT);
      assertThat(report.int32Value()).isEqualTo(2000);
    }
    assertThat(events.all()).noneMatch(e -> e.detail().startsWith("internal error"));
  }

  @Provide
  Arbitrary<List<byte[]>> hostileFrames() {
    Arbitrary<Integer> type = Arbitraries.oneOf(
        Arbitraries.integers().between(0, KNOWN.length - 1).map(i -> KNOWN[i]),
        Arbitraries.integers());
    Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<Integer> lie = Arbitraries.oneOf(
        Arbitraries.just(0), // honest length
        Arbitraries.integers().between(Integer.MIN_VALUE, -1), // negative
        Arbitraries.integers().between(OsmProtocol.MAX_FRAME_LENGTH, Integer.MAX_VALUE), // huge
        Arbitraries.integers().between(1, 100), // longer than sent: truncated
        Arbitraries.integers().between(-64, -1)); // shorter than sent: out of step
    Arbitrary<byte[]> frame = Combinators.combine(type, body, lie).as((t, b, l) -> {
      int length = l == 0 ? b.length
          : (l < -64 || l >= OsmProtocol.MAX_FRAME_LENGTH) ? l
          : l < 0 ? Math.max(0, b.length + l) : b.length + l;
      return ByteBuffer.allocate(8 + b.length).order(ByteOrder.LITTLE_ENDIAN).putInt(t).putInt(length).put(b).array();
    });
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40);
    return Arbitraries.oneOf(frame, frame, raw).list().ofMinSize(1).ofMaxSize(6);
  }
}
