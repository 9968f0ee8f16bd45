package cloud.luoyun.osmanager.webssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The messages between the terminal page and the server. Every message is one WebSocket
 * <em>binary</em> message whose first byte says what it is; numbers are big-endian.
 *
 * <pre>
 * page -> server
 *   0x00 INPUT   bytes typed or pasted, UTF-8, 1..16384 bytes        | 00 | bytes ...           |
 *   0x01 RESIZE  the terminal's size, 1..1000 columns and rows       | 01 | cols u16 | rows u16 |
 *   0x02 ACK     output bytes the page has drawn since its last ACK  | 02 | count u32            |
 *   0x03 HELLO   first message on every socket: the size, and the    | 03 | cols u16 | rows u16 | token 0 or 43 bytes |
 *                session token if this tab had one (reattach)
 *
 * server -> page
 *   0x00 OUTPUT  terminal output, raw bytes (UTF-8 from the shell)   | 00 | bytes ...           |
 *   0x01 SESSION the session's token: keep it in sessionStorage and  | 01 | token 43 bytes       |
 *                send it in HELLO after a reload or a dropped socket
 *   0x02 REPLAY  reset the screen, then draw these bytes (reattach)  | 02 | bytes ...           |
 * </pre>
 *
 * Flow control: the server stops reading the shell's output while more than {@link #WINDOW} bytes
 * of OUTPUT/REPLAY are sent and not yet ACKed, so a slow page holds back the shell rather than
 * filling memory. The page ACKs once it has drawn {@link #ACK_EVERY} bytes (or more).
 *
 * Close codes the page acts on (any other close: reconnect with the token):
 * {@link #CLOSE_ENDED} the session is over, forget the token; {@link #CLOSE_REPLACED} another
 * window took this session over, do not reconnect by itself; {@link #CLOSE_TRY_LATER} too many
 * pages of this client address wait for a login. The server writes a human-readable line as OUTPUT before each of these.
 *
 * The decoder never trusts a length: each type has a fixed size or a bound, checked before use.
 */
final class TerminalProtocol {
  static final byte INPUT = 0x00;
  static final byte RESIZE = 0x01;
  static final byte ACK = 0x02;
  static final byte HELLO = 0x03;

  static final byte OUTPUT = 0x00;
  static final byte SESSION = 0x01;
  static final byte REPLAY = 0x02;

  static final int MAX_INPUT = 16 * 1024;
  static final int MAX_MESSAGE = MAX_INPUT + 1;
  static final int MAX_DIMENSION = 1000;
  static final int TOKEN_LENGTH = 43; // 32 random bytes, base64url without padding
  static final int WINDOW = 256 * 1024;
  static final int ACK_EVERY = 16 * 1024;

  static final int CLOSE_ENDED = 4001;
  static final int CLOSE_REPLACED = 4002;
  static final int CLOSE_TRY_LATER = 1013;

  private TerminalProtocol() {}

  /** A decoded page-to-server message. */
  sealed interface Inbound permits Input, Resize, Ack, Hello {}

  record Input(byte[] bytes) implements Inbound {}

  record Resize(int cols, int rows) implements Inbound {}

  record Ack(long count) implements Inbound {}

  /** token is empty for a fresh tab. */
  record Hello(int cols, int rows, String token) implements Inbound {}

  /** Thrown for a message that breaks the format; the socket is then closed. */
  static final class ProtocolException extends Exception {
    ProtocolException(String message) {
      super(message);
    }
  }

  static Inbound decode(ByteBuffer message) throws ProtocolException {
    int size = message.remaining();
    if (size < 1) {
      throw new ProtocolException("empty message");
    }
    byte type = message.get();
    switch (type) {
      case INPUT -> {
        if (size - 1 < 1 || size - 1 > MAX_INPUT) {
          throw new ProtocolException("INPUT is " + (size - 1) + " bytes (expected: 1.." + MAX_INPUT + ")");
        }
        byte[] bytes = new byte[size - 1];
        message.get(bytes);
        return new Input(bytes);
      }
      case RESIZE -> {
        expectSize("RESIZE", size - 1, 4);
        return new Resize(dimension("columns", message.getShort()), dimension("rows", message.getShort()));
      }
      case ACK -> {
        expectSize("ACK", size - 1, 4);
        return new Ack(Integer.toUnsignedLong(message.getInt()));
      }
      case HELLO -> {
        if (size - 1 != 4 && size - 1 != 4 + TOKEN_LENGTH) {
          throw new ProtocolException("HELLO is " + (size - 1) + " bytes (expected: 4 or " + (4 + TOKEN_LENGTH) + ")");
        }
        int cols = dimension("columns", message.getShort());
        int rows = dimension("rows", message.getShort());
        byte[] token = new byte[message.remaining()];
        message.get(token);
        for (byte b : token) {
          if (!isTokenChar(b)) {
            throw new ProtocolException("HELLO token has a byte outside base64url");
          }
        }
        return new Hello(cols, rows, new String(token, StandardCharsets.US_ASCII));
      }
      default -> throw new ProtocolException("unknown message type " + (type & 0xff));
    }
  }

  private static void expectSize(String name, int actual, int expected) throws ProtocolException {
    if (actual != expected) {
      throw new ProtocolException(name + " is " + actual + " bytes (expected: " + expected + ")");
    }
  }

  private static int dimension(String name, short raw) throws ProtocolException {
    int value = Short.toUnsignedInt(raw);
    if (value < 1 || value > MAX_DIMENSION) {
      throw new ProtocolException(name + " " + value + " out of range (expected: 1.." + MAX_DIMENSION + ")");
    }
    return value;
  }

  private static boolean isTokenChar(byte b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_';
  }

  static ByteBuffer output(byte[] bytes, int offset, int length) {
    return typed(OUTPUT, bytes, offset, length);
  }

  static ByteBuffer replay(byte[] bytes) {
    return typed(REPLAY, bytes, 0, bytes.length);
  }

  static ByteBuffer session(String token) {
    byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
    return typed(SESSION, ascii, 0, ascii.length);
  }

  private static ByteBuffer typed(byte type, byte[] bytes, int offset, int length) {
    byte[] message = new byte[length + 1];
    message[0] = type;
    System.arraycopy(bytes, offset, message, 1, length);
    return ByteBuffer.wrap(message);
  }

  // Encoders of the page's messages: used by tests and the benchmark, which play the page.

  static ByteBuffer input(byte[] bytes) {
    return typed(INPUT, bytes, 0, bytes.length);
  }

  static ByteBuffer resize(int cols, int rows) {
    return ByteBuffer.allocate(5).put(RESIZE).putShort((short) cols).putShort((short) rows).flip();
  }

  static ByteBuffer ack(long count) {
    return ByteBuffer.allocate(5).put(ACK).putInt((int) count).flip();
  }

  static ByteBuffer hello(int cols, int rows, String token) {
    byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(5 + ascii.length).put(HELLO).putShort((short) cols).putShort((short) rows)
        .put(ascii).flip();
  }
}
