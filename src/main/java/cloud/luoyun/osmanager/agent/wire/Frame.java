package cloud.luoyun.osmanager.agent.wire;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One frame of the controller protocol: a type and its body (see {@link OsmProtocol}). Immutable:
 * the body is copied in and out. {@link #toString()} shows the type and size only, never the
 * body, because AUTH bodies carry challenges.
 */
public record Frame(int type, byte[] body) {
  private static final byte[] EMPTY = new byte[0];

  public Frame {
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  public int length() {
    return body.length;
  }

  /** A frame whose body is one little-endian int32 (REGISTER reply, REPORT, QUERY request). */
  public static Frame int32(int type, int value) {
    return new Frame(type, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  /** A frame whose body is ASCII text, sent without a terminating NUL. */
  public static Frame text(int type, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("text body must be printable ASCII");
      }
    }
    return new Frame(type, text.getBytes(StandardCharsets.US_ASCII));
  }

  /** An AUTH request or reply: int32 tag then exactly 40 bytes. */
  public static Frame auth(int type, int tag, byte[] challenge) {
    if (challenge.length != OsmProtocol.CHALLENGE_LENGTH) {
      throw new IllegalArgumentException(
          "challenge is " + challenge.length + " bytes (expected: " + OsmProtocol.CHALLENGE_LENGTH + ")");
    }
    return new Frame(type, ByteBuffer.allocate(OsmProtocol.AUTH_BODY_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(tag).put(challenge).array());
  }

  static Frame withoutBody(int type) {
    return new Frame(type, EMPTY);
  }

  /** The body as one int32; the body must be exactly 4 bytes. */
  public int int32Value() throws ProtocolException {
    expectLength(4);
    return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** The body as printable ASCII, up to the first NUL (a peer may send a terminating NUL). */
  public String textValue() throws ProtocolException {
    int end = 0;
    while (end < body.length && body[end] != 0) {
      end++;
    }
    for (int i = end; i < body.length; i++) {
      if (body[i] != 0) {
        throw new ProtocolException(name() + " body has bytes after its NUL");
      }
    }
    for (int i = 0; i < end; i++) {
      if (body[i] < 0x20 || body[i] > 0x7e) {
        throw new ProtocolException(name() + " body is not printable ASCII");
      }
    }
    return new String(body, 0, end, StandardCharsets.US_ASCII);
  }

  /** The tag of an AUTH frame; the body must be exactly 44 bytes. */
  public int authTag() throws ProtocolException {
    expectLength(OsmProtocol.AUTH_BODY_LENGTH);
    return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** The 40 challenge bytes of an AUTH frame; the body must be exactly 44 bytes. */
  public byte[] authChallenge() throws ProtocolException {
    expectLength(OsmProtocol.AUTH_BODY_LENGTH);
    return Arrays.copyOfRange(body, 4, OsmProtocol.AUTH_BODY_LENGTH);
  }

  private void expectLength(int expected) throws ProtocolException {
    if (body.length != expected) {
      throw new ProtocolException(name() + " body is " + body.length + " bytes (expected: " + expected + ")");
    }
  }

  private String name() {
    return OsmProtocol.typeName(type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame && ((Frame) o).type == type && Arrays.equals(((Frame) o).body, body);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Frame[" + name() + ", " + body.length + " bytes]";
  }
}
