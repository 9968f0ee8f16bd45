package cloud.luoyun.osmanager.agent;

import static cloud.luoyun.osmanager.agent.AgentFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.agent.AgentEvent.Kind;
import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameWriter;
import cloud.luoyun.osmanager.agent.wire.Handshake;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's bytes on the wire, against a controller driven frame by frame. */
class AgentWireTest {
  @TempDir Path home;
  final Recorder<AgentEvent> events = new Recorder<>();
  RawController controller;
  Agent agent;

  @BeforeEach
  void setUp() throws Exception {
    controller = new RawController();
    agent = new AgentFixture(home).agent(controller.address(), events, Duration.ofSeconds(60));
    agent.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
    controller.close();
  }

  @Test
  void theAgentSendsNothingMoreToAControllerThatCannotDecryptItsChallenge() throws Exception {
    try (RawController.Connection c = controller.accept()) {
      Frame agentChallenge = c.readExpecting(OsmProtocol.AUTH_REQUEST);
      assertThat(agentChallenge.authTag()).isEqualTo(AgentFixture.TAG);
      Frame wrong = Handshake.answerAgentChallenge("guessed".getBytes(StandardCharsets.US_ASCII), agentChallenge);
      c.writer.write(wrong, c.challenge());

      assertThat(c.read()).as("the agent closes without answering or registering").isNull();
    }
    events.await(e -> e.kind() == Kind.CONTROLLER_FAILED_AUTHENTICATION, WAIT);
    assertThat(events.count(e -> e.kind() == Kind.REGISTERED)).isZero();
  }

  @Test
  void aControllerThatSendsItsChallengeFirstIsAnsweredOnlyAfterItHasAnsweredOurs() throws Exception {
    try (RawController.Connection c = controller.accept()) {
      Frame agentChallenge = c.readExpecting(OsmProtocol.AUTH_REQUEST);
      c.writer.write(c.challenge());
      c.writer.write(Handshake.answerAgentChallenge("guessed".getBytes(StandardCharsets.US_ASCII), agentChallenge));
      assertThat(c.read()).as("no answer to an unauthenticated controller's challenge").isNull();
    }
    try (RawController.Connection c = controller.accept()) {
      Frame agentChallenge = c.readExpecting(OsmProtocol.AUTH_REQUEST);
      c.writer.write(c.challenge());
      c.writer.write(c.answer(agentChallenge));
      assertThat(c.isRightAnswer(c.readExpecting(OsmProtocol.AUTH_REPLY))).isTrue();
      assertThat(c.readExpecting(OsmProtocol.REGISTER_REQUEST).textValue()).isEqualTo("7 7 127.0.0.1");
    }
  }

  @Test
  void theAgentSendsAFreshChallengeOnEveryConnection() throws Exception {
    byte[] first;
    try (RawController.Connection c = controller.accept()) {
      first = c.readExpecting(OsmProtocol.AUTH_REQUEST).authChallenge();
    }
    try (RawController.Connection c = controller.accept()) {
      assertThat(c.readExpecting(OsmProtocol.AUTH_REQUEST).authChallenge()).isNotEqualTo(first);
    }
  }

  @Test
  void theAgentRegistersWithTheLocalAddressAndReportsTheScriptsAnswerFirst() throws Exception {
    try (RawController.Connection c = controller.accept()) {
      assertThat(c.register()).isEqualTo("7 7 127.0.0.1");
      assertThat(c.readExpecting(OsmProtocol.REPORT).int32Value()).isEqualTo(2000);
    }
  }

  @Test
  void theAgentHandlesFramesPipelinedInOneWriteAndFramesSplitAcrossWrites() throws Exception {
    try (RawController.Connection c = controller.accept()) {
      Frame agentChallenge = c.readExpecting(OsmProtocol.AUTH_REQUEST);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(FrameWriter.encode(c.answer(agentChallenge)));
      bytes.write(FrameWriter.encode(c.challenge()));
      byte[] handshake = bytes.toByteArray();
      for (byte b : handshake) { // one byte per TCP segment
        c.write(new byte[] {b});
      }
      assertThat(c.isRightAnswer(c.readExpecting(OsmProtocol.AUTH_REPLY))).isTrue();
      c.readExpecting(OsmProtocol.REGISTER_REQUEST);

      bytes.reset();
      bytes.write(FrameWriter.encode(Frame.int32(OsmProtocol.REGISTER_REPLY, OsmProtocol.REGISTER_SUCCESS)));
      bytes.write(FrameWriter.encode(new Frame(OsmProtocol.ECHO_REQUEST, "hello".getBytes(StandardCharsets.US_ASCII))));
      bytes.write(FrameWriter.encode(Frame.int32(OsmProtocol.QUERY_REQUEST, 4242)));
      c.write(bytes.toByteArray()); // all three in one write

      boolean echo = false;
      boolean query = false;
      boolean report = false;
      while (!(echo && query && report)) {
        Frame frame = c.read();
        switch (frame.type()) {
          case OsmProtocol.ECHO_REPLY -> {
            assertThat(frame.body()).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
            echo = true;
          }
          case OsmProtocol.QUERY_REPLY -> {
            assertThat(frame.textValue()).matches("4242 7 [45] 127\\.0\\.0\\.1");
            query = true;
          }
          case OsmProtocol.REPORT -> report = true;
          default -> throw new AssertionError("unexpected " + frame);
        }
      }
    }
  }

  @Test
  void aQueryAnswersFiveOnceTheApplicationServes() throws Exception {
    try (RawController.Connection c = controller.accept()) {
      c.register();
      c.readExpecting(OsmProtocol.REPORT); // the script has answered 2000
      c.writer.write(Frame.int32(OsmProtocol.QUERY_REQUEST, 4242));
      assertThat(c.readExpecting(OsmProtocol.QUERY_REPLY).textValue()).isEqualTo("4242 7 5 127.0.0.1");
    }
  }

  @Test
  void aFrameOfUnknownTypeWhileRegisteredIsSkipped() throws Exception {
    try (RawController.Connection c = controller.accept()) {
      c.register();
      c.readExpecting(OsmProtocol.REPORT);
      c.write(FrameWriter.encode(new Frame(31337, new byte[100])));
      c.writer.write(new Frame(OsmProtocol.ECHO_REQUEST, new byte[] {1, 2, 3}));
      assertThat(c.readExpecting(OsmProtocol.ECHO_REPLY).body()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void theAgentGivesUpOnAControllerThatGoesSilentDuringTheHandshakeAndTriesAgain() throws Exception {
    try (RawController.Connection silent = controller.accept()) {
      silent.readExpecting(OsmProtocol.AUTH_REQUEST);
      assertThat(silent.read()).as("the agent hangs up after its handshake time limit").isNull();
    }
    events.await(e -> e.kind() == Kind.DISCONNECTED && e.detail().contains("went silent"), WAIT);
    try (RawController.Connection c = controller.accept()) {
      assertThat(c.register()).isEqualTo("7 7 127.0.0.1");
    }
  }

  @Test
  void theAgentsSocketHasKeepaliveTenTenThree() throws Exception {
    try (Socket socket = new Socket()) {
      Agent.configureKeepAlive(socket);
      assertThat(socket.getKeepAlive()).isTrue();
      assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(10);
      assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(10);
      assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(3);
    }
  }
}
