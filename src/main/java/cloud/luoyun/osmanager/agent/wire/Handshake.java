package cloud.luoyun.osmanager.agent.wire;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;

/**
 * The mutual authentication of SPEC §4.2, both sides:
 *
 * <pre>
 * agent                                             controller
 *   AUTH request (tag, RC4(agent challenge))   -->
 *                                              <--  AUTH reply (tag, agent challenge in plain)
 *   checks tag and all 40 bytes
 *                                              <--  AUTH request (tag, controller challenge in plain)
 *   AUTH reply (tag, RC4(controller challenge)) -->
 *                                                   decrypts, compares up to the first NUL, ignoring case
 * </pre>
 *
 * A challenge is a UUID string (36 chars) padded with NULs to 40 bytes, fresh per connection.
 * Stateless; challenges and keys are never logged or put into exception messages.
 */
public final class Handshake {
  private Handshake() {}

  /**
   * A fresh random challenge: a version-4 UUID from the kernel's CSPRNG. Read from /dev/urandom
   * directly because the first {@link UUID#randomUUID()} in a JVM spends ~50 ms setting up the
   * JCA providers, on the path to registration at every boot; falls back to it elsewhere.
   */
  public static byte[] newChallenge() {
    byte[] random = new byte[16];
    try (InputStream in = new FileInputStream("/dev/urandom")) {
      if (in.readNBytes(random, 0, 16) != 16) {
        return challengeOf(UUID.randomUUID());
      }
    } catch (IOException e) {
      return challengeOf(UUID.randomUUID());
    }
    random[6] = (byte) ((random[6] & 0x0f) | 0x40); // version 4
    random[8] = (byte) ((random[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer b = ByteBuffer.wrap(random);
    return challengeOf(new UUID(b.getLong(), b.getLong()));
  }

  public static byte[] challengeOf(UUID uuid) {
    return Arrays.copyOf(uuid.toString().getBytes(StandardCharsets.US_ASCII), OsmProtocol.CHALLENGE_LENGTH);
  }

  // --- agent side ---

  /** Step 2: the agent's AUTH request carrying its challenge encrypted with KEY. */
  public static Frame agentChallenge(int tag, byte[] key, byte[] challenge) {
    return Frame.auth(OsmProtocol.AUTH_REQUEST, tag, Rc4.apply(key, challenge));
  }

  /** Step 3: whether the controller's AUTH reply carries our tag and exactly our challenge. */
  public static boolean isControllerAnswerRight(int tag, byte[] challenge, Frame reply) throws ProtocolException {
    return reply.type() == OsmProtocol.AUTH_REPLY
        && reply.authTag() == tag
        && MessageDigest.isEqual(reply.authChallenge(), challenge);
  }

  /** Step 5: the agent's AUTH reply to the controller's plain challenge, encrypted with KEY. */
  public static Frame answerControllerChallenge(int tag, byte[] key, Frame request) throws ProtocolException {
    return Frame.auth(OsmProtocol.AUTH_REPLY, tag, Rc4.apply(key, request.authChallenge()));
  }

  // --- controller side ---

  /** Step 3: the controller's AUTH reply: the agent's challenge decrypted with the agent's KEY. */
  public static Frame answerAgentChallenge(byte[] key, Frame request) throws ProtocolException {
    return Frame.auth(OsmProtocol.AUTH_REPLY, request.authTag(), Rc4.apply(key, request.authChallenge()));
  }

  /** Step 4: the controller's AUTH request, its challenge in plain text. */
  public static Frame controllerChallenge(int tag, byte[] challenge) {
    return Frame.auth(OsmProtocol.AUTH_REQUEST, tag, challenge);
  }

  /**
   * Step 5, checked by the controller: the agent's answer decrypted with KEY equals the challenge,
   * compared as the C controller does: up to the first NUL, ignoring case.
   */
  public static boolean isAgentAnswerRight(byte[] key, byte[] challenge, Frame reply) throws ProtocolException {
    if (reply.type() != OsmProtocol.AUTH_REPLY) {
      return false;
    }
    String answer = upToNul(Rc4.apply(key, reply.authChallenge()));
    return answer.equalsIgnoreCase(upToNul(challenge));
  }

  private static String upToNul(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
  }
}
