package cloud.luoyun.osmanager.agent.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  private static final byte[] KEY = SessionVectors.KEY;
  private static final byte[] AGENT_CHALLENGE =
      Handshake.challengeOf(UUID.fromString("30d8e15f-0db1-43c3-9bee-4e2eb85ff6c5"));
  private static final byte[] CONTROLLER_CHALLENGE =
      Handshake.challengeOf(UUID.fromString("9b2f6c1e-4d7a-4c33-8e0f-2a5b6c7d8e9f"));

  @Test
  void rc4MatchesTheKnownVectors() {
    assertThat(HexFormat.of().formatHex(Rc4.apply(b("Key"), b("Plaintext")))).isEqualTo("bbf316e8d940af0ad3");
    assertThat(HexFormat.of().formatHex(Rc4.apply(b("Wiki"), b("pedia")))).isEqualTo("1021bf0420");
  }

  @Test
  void rc4StartsAFreshStateForEveryMessage() {
    byte[] once = Rc4.apply(b("Key"), b("Plaintext"));
    assertThat(Rc4.apply(b("Key"), b("Plaintext"))).isEqualTo(once);
    assertThat(Rc4.apply(b("Key"), once)).isEqualTo(b("Plaintext"));
  }

  @Test
  void aChallengeIsAUuidPaddedWithNulsTo40Bytes() {
    byte[] challenge = Handshake.newChallenge();
    assertThat(challenge).hasSize(40);
    String text = new String(challenge, 0, 36, StandardCharsets.US_ASCII);
    UUID uuid = UUID.fromString(text);
    assertThat(uuid.toString()).isEqualTo(text);
    assertThat(uuid.version()).isEqualTo(4);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(challenge).endsWith(0, 0, 0, 0);
    assertThat(Handshake.newChallenge()).isNotEqualTo(challenge);
  }

  @Test
  void theAgentSideProducesTheSessionVectorsBytes() throws IOException {
    assertThat(FrameWriter.encode(Handshake.agentChallenge(7, KEY, AGENT_CHALLENGE)))
        .isEqualTo(vector("AUTH request (agent"));
    assertThat(Handshake.isControllerAnswerRight(7, AGENT_CHALLENGE, read("AUTH reply (plaintext"))).isTrue();
    assertThat(FrameWriter.encode(Handshake.answerControllerChallenge(7, KEY, read("AUTH request (controller"))))
        .isEqualTo(vector("AUTH reply (controller"));
  }

  @Test
  void theControllerSideProducesTheSessionVectorsBytes() throws IOException {
    assertThat(FrameWriter.encode(Handshake.answerAgentChallenge(KEY, read("AUTH request (agent"))))
        .isEqualTo(vector("AUTH reply (plaintext"));
    assertThat(FrameWriter.encode(Handshake.controllerChallenge(7, CONTROLLER_CHALLENGE)))
        .isEqualTo(vector("AUTH request (controller"));
    assertThat(Handshake.isAgentAnswerRight(KEY, CONTROLLER_CHALLENGE, read("AUTH reply (controller"))).isTrue();
  }

  @Test
  void anAnswerWithAnotherTagOrOneWrongByteIsAnImpostors() throws IOException {
    assertThat(Handshake.isControllerAnswerRight(8, AGENT_CHALLENGE, read("AUTH reply (plaintext"))).isFalse();
    byte[] wrong = AGENT_CHALLENGE.clone();
    wrong[39] = 1;
    assertThat(Handshake.isControllerAnswerRight(7, AGENT_CHALLENGE,
        Frame.auth(OsmProtocol.AUTH_REPLY, 7, wrong))).isFalse();
    assertThat(Handshake.isControllerAnswerRight(7, AGENT_CHALLENGE,
        Handshake.answerAgentChallenge(b("another key"), Handshake.agentChallenge(7, KEY, AGENT_CHALLENGE))))
        .as("a controller that does not know KEY").isFalse();
  }

  @Test
  void theControllerComparesTheAgentsAnswerUpToTheFirstNulIgnoringCase() throws IOException {
    byte[] upper = new String(CONTROLLER_CHALLENGE, StandardCharsets.US_ASCII).toUpperCase()
        .getBytes(StandardCharsets.US_ASCII);
    upper[38] = 'x'; // after the first NUL: not compared
    Frame answer = Frame.auth(OsmProtocol.AUTH_REPLY, 7, Rc4.apply(KEY, upper));
    assertThat(Handshake.isAgentAnswerRight(KEY, CONTROLLER_CHALLENGE, answer)).isTrue();
    byte[] shorter = upper.clone();
    shorter[35] = 0;
    answer = Frame.auth(OsmProtocol.AUTH_REPLY, 7, Rc4.apply(KEY, shorter));
    assertThat(Handshake.isAgentAnswerRight(KEY, CONTROLLER_CHALLENGE, answer)).isFalse();
    byte[] changed = upper.clone();
    changed[0] = 'Z';
    answer = Frame.auth(OsmProtocol.AUTH_REPLY, 7, Rc4.apply(KEY, changed));
    assertThat(Handshake.isAgentAnswerRight(KEY, CONTROLLER_CHALLENGE, answer)).isFalse();
    assertThat(Handshake.isAgentAnswerRight(b("wrong key"), CONTROLLER_CHALLENGE, read("AUTH reply (controller")))
        .isFalse();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] vector(String prefix) {
    return SessionVectors.named(prefix).bytes();
  }

  private static Frame read(String prefix) throws IOException {
    return new FrameReader(new ByteArrayInputStream(vector(prefix))).read();
  }
}
