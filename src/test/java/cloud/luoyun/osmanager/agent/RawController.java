package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameReader;
import cloud.luoyun.osmanager.agent.wire.FrameWriter;
import cloud.luoyun.osmanager.agent.wire.Handshake;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A controller a test drives frame by frame, to send what the development controller never
 * would: wrong answers, pipelined or split frames, hostile bytes.
 */
final class RawController implements AutoCloseable {
  private final ServerSocket server;

  RawController() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSoTimeout(20_000);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  Connection accept() throws IOException {
    Socket socket = server.accept();
    socket.setSoTimeout(20_000);
    return new Connection(socket);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  static final class Connection implements AutoCloseable {
    final Socket socket;
    final FrameReader reader;
    final FrameWriter writer;
    private final byte[] key = AgentFixture.KEY.getBytes(StandardCharsets.US_ASCII);
    private byte[] challenge;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.reader = new FrameReader(socket.getInputStream());
      this.writer = new FrameWriter(socket.getOutputStream());
    }

    Frame read() throws IOException {
      return reader.read();
    }

    Frame readExpecting(int type) throws IOException {
      Frame frame = reader.read();
      assertThat(frame).as("a frame of " + OsmProtocol.typeName(type)).isNotNull();
      assertThat(OsmProtocol.typeName(frame.type())).isEqualTo(OsmProtocol.typeName(type));
      return frame;
    }

    /** The right AUTH reply to the agent's AUTH request. */
    Frame answer(Frame agentChallenge) throws IOException {
      return Handshake.answerAgentChallenge(key, agentChallenge);
    }

    Frame challenge() {
      challenge = Handshake.newChallenge();
      return Handshake.controllerChallenge(AgentFixture.TAG, challenge);
    }

    boolean isRightAnswer(Frame agentAnswer) throws IOException {
      return Handshake.isAgentAnswerRight(key, challenge, agentAnswer);
    }

    /** Runs the controller's side of a clean handshake and registration; returns the REGISTER text. */
    String register() throws IOException {
      Frame agentChallenge = readExpecting(OsmProtocol.AUTH_REQUEST);
      writer.write(answer(agentChallenge), challenge());
      assertThat(isRightAnswer(readExpecting(OsmProtocol.AUTH_REPLY))).as("agent's answer").isTrue();
      String register = readExpecting(OsmProtocol.REGISTER_REQUEST).textValue();
      writer.write(Frame.int32(OsmProtocol.REGISTER_REPLY, OsmProtocol.REGISTER_SUCCESS));
      return register;
    }

    void write(byte[] bytes) throws IOException {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    }

    /** Ends our side and reads until the agent closes too; returns how many bytes it still sent. */
    int finish() throws IOException {
      socket.shutdownOutput();
      int total = 0;
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
          total += n;
        }
      } catch (IOException e) {
        // reset by the agent: it closed
      }
      return total;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
