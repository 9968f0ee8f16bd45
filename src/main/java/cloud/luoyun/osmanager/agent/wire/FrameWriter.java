package cloud.luoyun.osmanager.agent.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes frames to a stream, each as one write of header and body followed by a flush.
 *
 * <p>Thread-safe: the agent's session thread (answers) and its status thread (reports) share one
 * writer, and frames never interleave. Does not close the stream.
 */
public final class FrameWriter {
  private final OutputStream out;

  public FrameWriter(OutputStream out) {
    this.out = out;
  }

  public synchronized void write(Frame frame) throws IOException {
    out.write(encode(frame));
    out.flush();
  }

  /** Writes several frames back to back in one write (the controller accepts them pipelined). */
  public synchronized void write(Frame first, Frame second) throws IOException {
    byte[] a = encode(first);
    byte[] b = encode(second);
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    out.write(both);
    out.flush();
  }

  /** The bytes of one frame: int32 type, int32 length, body; little-endian. */
  public static byte[] encode(Frame frame) {
    byte[] body = frame.body();
    if (body.length > OsmProtocol.MAX_BODY_LENGTH) {
      throw new IllegalArgumentException("frame body of " + body.length + " bytes is too long");
    }
    return ByteBuffer.allocate(OsmProtocol.HEADER_LENGTH + body.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(frame.type()).putInt(body.length).put(body).array();
  }
}
