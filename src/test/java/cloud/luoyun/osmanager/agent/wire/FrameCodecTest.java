package cloud.luoyun.osmanager.agent.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  static List<SessionVectors.Line> sessionLines() {
    return SessionVectors.lines();
  }

  @ParameterizedTest
  @MethodSource("sessionLines")
  void everySessionVectorDecodesAndReEncodesByteForByte(SessionVectors.Line line) throws IOException {
    Frame frame = new FrameReader(new ByteArrayInputStream(line.bytes())).read();

    assertThat(OsmProtocol.isKnownType(frame.type())).isTrue();
    assertThat(FrameWriter.encode(frame)).isEqualTo(line.bytes());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).write(frame);
    assertThat(out.toByteArray()).isEqualTo(line.bytes());
  }

  @Test
  void theWholeSessionReadsFromOneStreamAndFromOneByteReads() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<byte[]> expected = new ArrayList<>();
    for (SessionVectors.Line line : SessionVectors.lines()) {
      all.write(line.bytes());
      expected.add(line.bytes());
    }

    for (InputStream in : List.of(new ByteArrayInputStream(all.toByteArray()), oneByteAtATime(all.toByteArray()))) {
      FrameReader reader = new FrameReader(in);
      for (byte[] bytes : expected) {
        assertThat(FrameWriter.encode(reader.read())).isEqualTo(bytes);
      }
      assertThat(reader.read()).as("end of stream on a frame boundary").isNull();
    }
  }

  @Test
  void sessionVectorsDecodeToWhatTheyDescribe() throws IOException {
    assertThat(frame("REGISTER request").textValue()).isEqualTo("7 7 10.0.0.5");
    assertThat(frame("REGISTER reply").int32Value()).isEqualTo(OsmProtocol.REGISTER_SUCCESS);
    assertThat(frame("REPORT 2000").int32Value()).isEqualTo(2000);
    assertThat(frame("REPORT 2001").int32Value()).isEqualTo(2001);
    assertThat(frame("ECHO request").body()).isEqualTo("hello".getBytes());
    assertThat(frame("QUERY request").int32Value()).isEqualTo(4242);
    assertThat(frame("QUERY reply").textValue()).isEqualTo("4242 7 5 10.0.0.5");
    assertThat(frame("JOIN").textValue()).isEqualTo("join 192.168.1.11 1369");
    assertThat(frame("AUTH request (agent").authTag()).isEqualTo(7);
  }

  @Test
  void framesBuiltByTheFactoriesMatchTheVectors() {
    assertThat(FrameWriter.encode(Frame.text(OsmProtocol.REGISTER_REQUEST, "7 7 10.0.0.5")))
        .isEqualTo(bytes("REGISTER request"));
    assertThat(FrameWriter.encode(Frame.int32(OsmProtocol.REGISTER_REPLY, 1021))).isEqualTo(bytes("REGISTER reply"));
    assertThat(FrameWriter.encode(Frame.int32(OsmProtocol.REPORT, 2000))).isEqualTo(bytes("REPORT 2000"));
    assertThat(FrameWriter.encode(Frame.int32(OsmProtocol.REPORT, 2001))).isEqualTo(bytes("REPORT 2001"));
    assertThat(FrameWriter.encode(new Frame(OsmProtocol.ECHO_REPLY, "hello".getBytes()))).isEqualTo(bytes("ECHO reply"));
    assertThat(FrameWriter.encode(Frame.int32(OsmProtocol.QUERY_REQUEST, 4242))).isEqualTo(bytes("QUERY request"));
    assertThat(FrameWriter.encode(Frame.text(OsmProtocol.QUERY_REPLY, "4242 7 5 10.0.0.5"))).isEqualTo(bytes("QUERY reply"));
    assertThat(FrameWriter.encode(Frame.text(OsmProtocol.JOIN, "join 192.168.1.11 1369"))).isEqualTo(bytes("JOIN"));
  }

  @Test
  void aTextBodyWithATerminatingNulIsAccepted() throws IOException {
    Frame frame = new Frame(OsmProtocol.REGISTER_REQUEST, "7 7 10.0.0.5\0".getBytes());
    assertThat(frame.textValue()).isEqualTo("7 7 10.0.0.5");
  }

  @Test
  void aTextBodyWithControlCharactersIsRefused() {
    Frame frame = new Frame(OsmProtocol.REGISTER_REQUEST, "7 7\n10.0.0.5".getBytes());
    assertThatThrownBy(frame::textValue).isInstanceOf(ProtocolException.class).hasMessageContaining("ASCII");
  }

  @Test
  void anInt32BodyOfTheWrongSizeSaysWhatWasExpected() {
    Frame frame = new Frame(OsmProtocol.REPORT, new byte[3]);
    assertThatThrownBy(frame::int32Value).isInstanceOf(ProtocolException.class)
        .hasMessage("REPORT body is 3 bytes (expected: 4)");
  }

  @Test
  void aShortAuthBodySaysWhatWasExpected() {
    Frame frame = new Frame(OsmProtocol.AUTH_REPLY, new byte[12]);
    assertThatThrownBy(frame::authChallenge).isInstanceOf(ProtocolException.class)
        .hasMessage("AUTH_REPLY body is 12 bytes (expected: 44)");
  }

  @Test
  void negativeAndHugeLengthsAreRefusedBeforeAnyBodyByteIsRead() {
    for (int length : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 45, OsmProtocol.MAX_BODY_LENGTH + 1}) {
      byte[] header = header(OsmProtocol.AUTH_REQUEST, length);
      assertThatThrownBy(() -> new FrameReader(headerOnly(header)).read())
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("AUTH_REQUEST body length " + length);
    }
    assertThatThrownBy(() -> new FrameReader(headerOnly(header(OsmProtocol.REPORT, 5))).read())
        .isInstanceOf(ProtocolException.class).hasMessage("REPORT body length 5 (expected: 0..4)");
    assertThatThrownBy(() -> new FrameReader(headerOnly(header(424242, OsmProtocol.MAX_BODY_LENGTH + 1))).read())
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void aFrameOfUnknownTypeIsSkippedAndTheNextOneRead() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(header(31337, 1000));
    out.write(new byte[1000]);
    out.write(bytes("REPORT 2000"));
    FrameReader reader = new FrameReader(oneByteAtATime(out.toByteArray()));

    Frame unknown = reader.read();
    assertThat(unknown.type()).isEqualTo(31337);
    assertThat(unknown.length()).isZero();
    assertThat(reader.read().int32Value()).isEqualTo(2000);
    assertThat(reader.read()).isNull();
  }

  @Test
  void aStreamThatEndsInsideAFrameIsAnErrorNotACleanClose() {
    byte[] report = bytes("REPORT 2000");
    for (int cut = 1; cut < report.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(report, cut);
      assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(truncated)).read())
          .as("cut at %d", cut).isInstanceOf(EOFException.class);
    }
    byte[] unknown = header(31337, 10);
    assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(unknown)).read())
        .isInstanceOf(EOFException.class);
  }

  @Test
  void anAuthFrameNeverShowsItsBodyInToString() {
    Frame frame = Frame.auth(OsmProtocol.AUTH_REQUEST, 7, Handshake.newChallenge());
    assertThat(frame.toString()).isEqualTo("Frame[AUTH_REQUEST, 44 bytes]");
  }

  private static Frame frame(String namePrefix) throws IOException {
    return new FrameReader(new ByteArrayInputStream(bytes(namePrefix))).read();
  }

  private static byte[] bytes(String namePrefix) {
    return SessionVectors.named(namePrefix).bytes();
  }

  static byte[] header(int type, int length) {
    return HexFormat.of().parseHex(String.format("%08x%08x", Integer.reverseBytes(type), Integer.reverseBytes(length)));
  }

  /** A stream that yields the header, then fails the test if anyone reads further. */
  private static InputStream headerOnly(byte[] header) {
    return new InputStream() {
      int pos;

      @Override
      public int read() {
        if (pos >= header.length) {
          throw new AssertionError("read past the header of a frame whose length is bad");
        }
        return header[pos++] & 0xff;
      }
    };
  }

  private static InputStream oneByteAtATime(byte[] bytes) {
    return new InputStream() {
      int pos;

      @Override
      public int read() {
        return pos < bytes.length ? bytes[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        int c = read();
        if (c < 0) {
          return -1;
        }
        b[off] = (byte) c;
        return 1;
      }
    };
  }
}
