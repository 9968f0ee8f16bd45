package cloud.luoyun.osmanager.controller;

import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameReader;
import cloud.luoyun.osmanager.agent.wire.FrameWriter;
import cloud.luoyun.osmanager.agent.wire.Handshake;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import cloud.luoyun.osmanager.controller.ControllerEvent.Kind;
import cloud.luoyun.osmanager.util.Closeables;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The controller's side of one agent's connection (SPEC §4.2), run on its own thread. Bad input
 * ends this connection only; it never reaches the accept loop. Until the agent has authenticated
 * it counts among the controller's {@link Unauthenticated} connections, which may close it
 * ({@link #closeFor}) from another thread.
 */
final class ControllerConnection implements Runnable {
  private static final byte[] IMPOSTOR_KEY = "not-the-instance-key".getBytes(StandardCharsets.US_ASCII);

  enum State { AWAITING_AGENT_CHALLENGE, AWAITING_AGENT_ANSWER, AUTHENTICATED, REGISTERED }

  private final Socket socket;
  private final Instances instances;
  private final DevController controller;
  private final String remote;

  private State state = State.AWAITING_AGENT_CHALLENGE;
  private Integer tag;
  private byte[] key;
  private byte[] challenge;
  private String registeredIp;
  private byte[] pendingEcho;
  private int pendingQuery;
  /** Why another thread closed the socket, for the DISCONNECTED event; null when it did not. */
  private volatile String closedBecause;

  ControllerConnection(Socket socket, Instances instances, DevController controller) {
    this.socket = socket;
    this.instances = instances;
    this.controller = controller;
    this.remote = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
  }

  @Override
  public void run() {
    emit(Kind.CONNECTED, "");
    try (socket) {
      // Also between authentication and REGISTER, which no longer has the handshake's deadline.
      socket.setSoTimeout((int) controller.handshakeDeadline().toMillis());
      socket.setTcpNoDelay(true);
      FrameReader reader = new FrameReader(socket.getInputStream());
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      for (Frame frame; (frame = reader.read()) != null; ) {
        if (!handle(frame, writer)) {
          break;
        }
      }
      emit(Kind.DISCONNECTED, "");
    } catch (ProtocolException e) {
      emit(Kind.BAD_FRAME, e.getMessage());
    } catch (SocketException e) {
      String why = closedBecause;
      emit(Kind.DISCONNECTED, why != null ? why : controller.isClosed() ? "controller closing" : e.getMessage());
    } catch (IOException e) {
      emit(Kind.DISCONNECTED, String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      emit(Kind.BAD_FRAME, e.toString());
    }
  }

  /** Handles one frame; false ends the connection. */
  private boolean handle(Frame frame, FrameWriter writer) throws IOException {
    switch (frame.type()) {
      case OsmProtocol.AUTH_REQUEST:
        return onAgentChallenge(frame, writer);
      case OsmProtocol.AUTH_REPLY:
        return onAgentAnswer(frame);
      case OsmProtocol.REGISTER_REQUEST:
        onRegister(frame, writer);
        return true;
      case OsmProtocol.REPORT:
        int status = frame.int32Value();
        emit(Kind.REPORT, "status=" + status + " (" + meaning(status) + ")");
        return true;
      case OsmProtocol.ECHO_REQUEST:
        writer.write(new Frame(OsmProtocol.ECHO_REPLY, frame.body()));
        return true;
      case OsmProtocol.ECHO_REPLY:
        onEchoReply(frame);
        return true;
      case OsmProtocol.QUERY_REPLY:
        onQueryReply(frame);
        return true;
      default:
        emit(Kind.IGNORED_FRAME, OsmProtocol.typeName(frame.type()) + ", " + frame.length() + " bytes");
        return true;
    }
  }

  private boolean onAgentChallenge(Frame frame, FrameWriter writer) throws IOException {
    if (state != State.AWAITING_AGENT_CHALLENGE) {
      emit(Kind.BAD_FRAME, "AUTH_REQUEST in state " + state);
      return false;
    }
    int claimed = frame.authTag();
    byte[] known = instances.key(claimed);
    if (known == null) {
      emit(Kind.UNKNOWN_TAG, "claimed tag " + claimed);
      return false;
    }
    tag = claimed;
    key = known;
    challenge = Handshake.newChallenge();
    byte[] answerKey = controller.mode() == DevController.Mode.IMPOSTOR ? IMPOSTOR_KEY : key;
    writer.write(Handshake.answerAgentChallenge(answerKey, frame), Handshake.controllerChallenge(tag, challenge));
    state = State.AWAITING_AGENT_ANSWER;
    return true;
  }

  private boolean onAgentAnswer(Frame frame) throws IOException {
    if (state != State.AWAITING_AGENT_ANSWER) {
      emit(Kind.BAD_FRAME, "AUTH_REPLY in state " + state);
      return false;
    }
    if (!Handshake.isAgentAnswerRight(key, challenge, frame)) {
      // what the C controller does: close on a wrong answer
      emit(Kind.AUTH_FAILED, "wrong answer to the controller's challenge");
      return false;
    }
    state = State.AUTHENTICATED;
    controller.authenticated(this);
    emit(Kind.AUTHENTICATED, "");
    return true;
  }

  private void onRegister(Frame frame, FrameWriter writer) throws IOException {
    String[] parts = frame.textValue().split(" ");
    String refusal = null;
    if (state != State.AUTHENTICATED && state != State.REGISTERED) {
      refusal = "before authentication";
    } else if (parts.length != 3 || !parts[0].equals(String.valueOf(tag))) {
      refusal = "malformed or another tag: \"" + frame.textValue() + "\"";
    } else if (!parts[1].equals(String.valueOf(OsmProtocol.STATUS_UNREGISTERED))) {
      refusal = "status " + parts[1] + " (expected: 7)";
    } else if (controller.mode() == DevController.Mode.REFUSE_REGISTRATION) {
      refusal = "told to refuse registrations";
    }
    if (refusal != null) {
      writer.write(Frame.int32(OsmProtocol.REGISTER_REPLY, OsmProtocol.REGISTER_FAILURE));
      emit(Kind.REFUSED, refusal);
      return;
    }
    registeredIp = parts[2];
    state = State.REGISTERED;
    socket.setSoTimeout(0); // registered agents may stay silent for hours; keepalive watches the link
    socket.setKeepAlive(true);
    writer.write(Frame.int32(OsmProtocol.REGISTER_REPLY, OsmProtocol.REGISTER_SUCCESS));
    emit(Kind.REGISTERED, "ip=" + registeredIp);
    if (controller.probesAfterRegistration()) {
      pendingEcho = ("osm-echo-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()))
          .getBytes(StandardCharsets.US_ASCII);
      pendingQuery = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
      writer.write(new Frame(OsmProtocol.ECHO_REQUEST, pendingEcho), Frame.int32(OsmProtocol.QUERY_REQUEST, pendingQuery));
    }
  }

  private void onEchoReply(Frame frame) {
    if (pendingEcho == null) {
      emit(Kind.ECHO_WRONG, "unasked ECHO_REPLY");
    } else if (Arrays.equals(pendingEcho, frame.body())) {
      emit(Kind.ECHO_OK, "");
    } else {
      emit(Kind.ECHO_WRONG, "reply differs from request");
    }
    pendingEcho = null;
  }

  private void onQueryReply(Frame frame) throws ProtocolException {
    String text = frame.textValue();
    String[] parts = text.split(" ");
    boolean right = pendingQuery != 0
        && parts.length == 4
        && parts[0].equals(String.valueOf(pendingQuery))
        && parts[1].equals(String.valueOf(tag))
        && (parts[2].equals("4") || parts[2].equals("5"))
        && parts[3].equals(registeredIp);
    emit(right ? Kind.QUERY_OK : Kind.QUERY_WRONG, "reply=\"" + text + "\"");
    pendingQuery = 0;
  }

  private static String meaning(int status) {
    if (status == OsmProtocol.REPORT_RUNNING) {
      return "serving";
    }
    if (status > OsmProtocol.REPORT_RUNNING && status <= 2130) {
      return "running, application not ready";
    }
    return "unexpected";
  }

  /** Closes the connection from another thread; its own thread reports {@code why} as it ends. */
  void closeFor(String why) {
    closedBecause = why;
    Closeables.closeQuietly(socket);
  }

  private void emit(Kind kind, String detail) {
    controller.emit(new ControllerEvent(kind, remote, tag, detail));
  }
}
