package cloud.luoyun.osmanager.agent.wire;

import java.io.ByteArrayOutputStream;
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

  /** Writes the frames back to back in one write (a controller reads them pipelined). */
  public synchronized void write(Frame... frames) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Frame frame : frames) {
      bytes.writeBytes(encode(frame));
    }
    bytes.writeTo(out);
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
