package cloud.luoyun.osmanager.agent.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/**
 * Reads frames from a stream. Never trusts a length: it is checked against the limit for its
 * frame type ({@link OsmProtocol#maxBodyLength}) before anything is allocated, and the bodies of
 * unknown types are skipped through a small fixed buffer. Several frames in one TCP segment and
 * one frame split across segments are both fine: it reads exactly what each frame needs.
 *
 * <p>Not thread-safe: one reading thread per stream. Does not close the stream.
 */
public final class FrameReader {
  private final InputStream in;
  private final byte[] header = new byte[OsmProtocol.HEADER_LENGTH];
  private final byte[] skipBuffer = new byte[512];

  public FrameReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next frame, or null when the stream ends cleanly on a frame boundary. A frame of an unknown
   * type comes back with an empty body (its bytes were skipped).
   *
   * @throws ProtocolException a length that is negative or too long for its type
   * @throws EOFException the stream ended inside a frame
   */
  public Frame read() throws IOException {
    int n = readFully(header, 0, header.length);
    if (n == 0) {
      return null;
    }
    if (n < header.length) {
      throw new EOFException("stream ended inside a frame header (" + n + " of 8 bytes)");
    }
    int type = littleEndianInt(header, 0);
    int length = littleEndianInt(header, 4);
    int limit = OsmProtocol.maxBodyLength(type);
    if (length < 0 || length > limit) {
      throw new ProtocolException(
          OsmProtocol.typeName(type) + " body length " + length + " (expected: 0.." + limit + ")");
    }
    if (!OsmProtocol.isKnownType(type)) {
      skip(type, length);
      return Frame.withoutBody(type);
    }
    byte[] body = new byte[length];
    int got = readFully(body, 0, length);
    if (got < length) {
      throw truncated(type, got, length);
    }
    return new Frame(type, body);
  }

  private void skip(int type, int length) throws IOException {
    int left = length;
    while (left > 0) {
      int got = readFully(skipBuffer, 0, Math.min(left, skipBuffer.length));
      if (got == 0) {
        throw truncated(type, length - left, length);
      }
      left -= got;
    }
  }

  private static EOFException truncated(int type, int got, int length) {
    return new EOFException(
        "stream ended inside a " + OsmProtocol.typeName(type) + " body (" + got + " of " + length + " bytes)");
  }

  /** Reads until len bytes or end of stream; returns how many were read. */
  private int readFully(byte[] buffer, int offset, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int got = in.read(buffer, offset + total, len - total);
      if (got < 0) {
        break;
      }
      total += got;
    }
    return total;
  }

  static int littleEndianInt(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }
}
