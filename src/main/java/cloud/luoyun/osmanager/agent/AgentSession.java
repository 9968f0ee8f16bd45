package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.agent.AgentEvent.Kind;
import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameReader;
import cloud.luoyun.osmanager.agent.wire.FrameWriter;
import cloud.luoyun.osmanager.agent.wire.Handshake;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of one connection to a controller (SPEC §4.2), as an explicit state machine:
 *
 * <pre>
 * AWAITING_AUTH_REPLY --right answer--> AWAITING_CONTROLLER_CHALLENGE --challenge--> AWAITING_REGISTER_REPLY
 *        | wrong answer: IMPOSTOR                                                      | 1021      | 1022: REFUSED
 *        v                                                                             v
 *      ENDED  <--------------- closed, reset, bad frame: DROPPED / PROTOCOL_ERROR --- REGISTERED
 * </pre>
 *
 * {@link #run()} runs on the agent's connection thread and blocks on the socket: no polling.
 * While registered it answers ECHO and QUERY; REPORT frames come from the status thread through
 * {@link #report(int)}, and so do the agent's own ECHO requests ({@link #checkLiveness()}): a
 * controller that does not return one in time has its socket closed under the blocked reader,
 * which ends the session as DROPPED. The frame writer is shared and synchronized, so frames
 * never interleave.
 */
final class AgentSession {
  private static final Logger log = LoggerFactory.getLogger(AgentSession.class);
  /** Frames of unknown type tolerated during the handshake before the peer counts as hostile. */
  private static final int MAX_SKIPPED_IN_HANDSHAKE = 16;
  /** Warnings about skipped frames logged per session; a chatty peer must not fill the disk. */
  private static final int MAX_SKIP_WARNINGS = 10;

  enum State { AWAITING_AUTH_REPLY, AWAITING_CONTROLLER_CHALLENGE, AWAITING_REGISTER_REPLY, REGISTERED, ENDED }

  private final Socket socket;
  private final AgentSettings settings;
  private final Agent agent;
  private final Duration handshakeTimeout;
  private final String localIp;
  private final String peer;
  private final Liveness liveness;
  private volatile boolean stoppedAnswering; // we closed the socket: the controller missed an ECHO
  private volatile State state = State.AWAITING_AUTH_REPLY;
  private FrameWriter writer;
  private int skipped;
  private Integer lastReported; // guarded by this

  AgentSession(Socket socket, AgentSettings settings, Agent agent, Duration handshakeTimeout, Liveness liveness) {
    this.socket = socket;
    this.liveness = liveness;
    this.settings = settings;
    this.agent = agent;
    this.handshakeTimeout = handshakeTimeout;
    this.localIp = socket.getLocalAddress().getHostAddress();
    this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
  }

  /** Runs the session until it ends; never throws. The caller owns and closes the socket. */
  SessionEnd run() {
    try {
      socket.setSoTimeout((int) handshakeTimeout.toMillis());
      FrameReader reader = new FrameReader(socket.getInputStream());
      writer = new FrameWriter(socket.getOutputStream());
      return handshake(reader);
    } catch (SocketTimeoutException e) {
      return end(SessionEnd.DROPPED, Kind.DISCONNECTED, "controller " + peer + " went silent during the handshake");
    } catch (ProtocolException e) {
      return end(SessionEnd.PROTOCOL_ERROR, Kind.PROTOCOL_ERROR, e.getMessage() + " from " + peer);
    } catch (IOException e) {
      return dropped(peer + ": " + e.getMessage());
    } finally {
      state = State.ENDED;
      agent.sessionEnded(this);
    }
  }

  private SessionEnd handshake(FrameReader reader) throws IOException {
    byte[] challenge = Handshake.newChallenge();
    writer.write(Handshake.agentChallenge(settings.tag(), settings.key(), challenge));

    Frame theirs = null;
    Frame answer = next(reader, OsmProtocol.AUTH_REPLY, OsmProtocol.AUTH_REQUEST);
    if (answer != null && answer.type() == OsmProtocol.AUTH_REQUEST) {
      // Its challenge came first: keep it unanswered until it has answered ours. Our answer is
      // RC4 output under KEY, which must never go to a peer that has not shown it knows KEY.
      theirs = answer;
      answer = next(reader, OsmProtocol.AUTH_REPLY);
    }
    if (answer == null) {
      return end(SessionEnd.DROPPED, Kind.DISCONNECTED, peer + " closed the connection during the handshake");
    }
    if (!Handshake.isControllerAnswerRight(settings.tag(), challenge, answer)) {
      return end(SessionEnd.IMPOSTOR, Kind.CONTROLLER_FAILED_AUTHENTICATION, peer);
    }
    state = State.AWAITING_CONTROLLER_CHALLENGE;
    agent.emit(Kind.CONTROLLER_AUTHENTICATED, peer);

    if (theirs == null) {
      theirs = next(reader, OsmProtocol.AUTH_REQUEST);
    }
    if (theirs == null) {
      return end(SessionEnd.DROPPED, Kind.DISCONNECTED, peer + " closed the connection during the handshake");
    }
    if (theirs.authTag() != settings.tag()) {
      log.warn("controller {} sent its challenge for tag {} (ours: {}); answering anyway", peer, theirs.authTag(),
          settings.tag());
    }
    state = State.AWAITING_REGISTER_REPLY;
    // the answer and REGISTER back to back: the controller reads them pipelined (SPEC §6)
    writer.write(Handshake.answerControllerChallenge(settings.tag(), settings.key(), theirs),
        Frame.text(OsmProtocol.REGISTER_REQUEST, settings.tag() + " " + OsmProtocol.STATUS_UNREGISTERED + " " + localIp));

    Frame reply = next(reader, OsmProtocol.REGISTER_REPLY);
    if (reply == null) {
      // the real controller closes on a wrong answer to its challenge
      return end(SessionEnd.REFUSED, Kind.REGISTRATION_REFUSED, peer + " closed the connection (our answer refused?)");
    }
    int result = reply.int32Value();
    if (result != OsmProtocol.REGISTER_SUCCESS) {
      return end(SessionEnd.REFUSED, Kind.REGISTRATION_REFUSED, peer + " answered " + result);
    }
    socket.setSoTimeout(0); // registered: block on the socket; keepalive and ECHO checks notice a dead link
    liveness.heard(); // it has just answered: the first check waits for a quiet spell
    state = State.REGISTERED;
    agent.sessionRegistered(this, "with " + peer + " as tag " + settings.tag() + " from " + localIp);
    return serve(reader);
  }

  /** Registered: answer requests until the connection ends. */
  private SessionEnd serve(FrameReader reader) throws IOException {
    for (Frame frame; (frame = reader.read()) != null; ) {
      switch (frame.type()) {
        case OsmProtocol.ECHO_REQUEST:
          liveness.heard();
          answerEcho(frame);
          break;
        case OsmProtocol.QUERY_REQUEST:
          liveness.heard();
          answerQuery(frame);
          break;
        case OsmProtocol.ECHO_REPLY:
          onEchoReply(frame);
          break;
        default:
          skipped(frame);
      }
    }
    return dropped(peer + " closed the connection");
  }

  /** The answer to our liveness check, or (other bytes, none asked) an answer to nothing. */
  private void onEchoReply(Frame frame) {
    if (liveness.answers(frame.body())) {
      agent.emit(Kind.ECHO_RETURNED, "by " + peer);
    } else if (++skipped <= MAX_SKIP_WARNINGS) {
      log.warn("ignored an ECHO reply from {} that answers no ECHO request of ours ({} bytes)", peer, frame.length());
    }
  }

  /**
   * On the status thread, every echo interval: asks a quiet controller for an ECHO, or gives up on
   * one that let an earlier ECHO go unanswered past the time limit.
   */
  void checkLiveness() {
    if (state != State.REGISTERED) {
      return;
    }
    if (liveness.isOverdue()) {
      giveUp();
      return;
    }
    byte[] echo = liveness.startCheckIfQuiet();
    if (echo == null) {
      return;
    }
    agent.emit(Kind.ECHO_SENT, echo.length + " bytes to " + peer); // first: the reply may beat our return
    try {
      writer.write(new Frame(OsmProtocol.ECHO_REQUEST, echo));
    } catch (IOException e) {
      log.debug("ECHO to {} failed: {}", peer, e.getMessage()); // the session thread sees it too
      return;
    }
    agent.echoSent(this);
  }

  /** On the status thread, when the ECHO sent last is due. */
  void checkEchoDeadline() {
    if (state == State.REGISTERED && liveness.isOverdue()) {
      giveUp();
    }
  }

  /** Closes the socket under the blocked session thread, which then reconnects as after any drop. */
  private void giveUp() {
    if (stoppedAnswering) {
      return;
    }
    stoppedAnswering = true; // the session thread says so when the closed socket ends it
    log.debug("controller {} stopped answering; closing the connection", peer);
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("close failed: {}", e.getMessage());
    }
  }

  private SessionEnd dropped(String detail) {
    if (stoppedAnswering) {
      Duration limit = settings.echoTimeout();
      return end(SessionEnd.DROPPED, Kind.DISCONNECTED, "controller " + peer + " stopped answering (no ECHO reply within "
          + (limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms") + ")");
    }
    return end(SessionEnd.DROPPED, Kind.DISCONNECTED, detail);
  }

  /**
   * The next frame of one of the expected types, answering ECHO and skipping unknown types on the
   * way; null at a clean end of stream.
   */
  private Frame next(FrameReader reader, int... expected) throws IOException {
    for (Frame frame; (frame = reader.read()) != null; ) {
      for (int type : expected) {
        if (frame.type() == type) {
          return frame;
        }
      }
      if (frame.type() == OsmProtocol.ECHO_REQUEST) {
        answerEcho(frame);
      } else if (!OsmProtocol.isKnownType(frame.type()) && ++skipped <= MAX_SKIPPED_IN_HANDSHAKE) {
        log.debug("skipped a frame of {} during the handshake", OsmProtocol.typeName(frame.type()));
      } else {
        throw new ProtocolException(
            OsmProtocol.typeName(frame.type()) + " while waiting for " + OsmProtocol.typeName(expected[0]));
      }
    }
    return null;
  }

  private void answerEcho(Frame request) throws IOException {
    writer.write(new Frame(OsmProtocol.ECHO_REPLY, request.body()));
    agent.emit(Kind.ECHO_ANSWERED, request.length() + " bytes");
  }

  private void answerQuery(Frame request) throws IOException {
    int id = request.int32Value();
    int status = agent.latestStatus() == OsmProtocol.REPORT_RUNNING ? OsmProtocol.QUERY_SERVING
        : OsmProtocol.QUERY_CONNECTED;
    String text = id + " " + settings.tag() + " " + status + " " + localIp;
    writer.write(Frame.text(OsmProtocol.QUERY_REPLY, text));
    agent.emit(Kind.QUERY_ANSWERED, "\"" + text + "\"");
  }

  private void skipped(Frame frame) {
    if (++skipped <= MAX_SKIP_WARNINGS) {
      if (OsmProtocol.isKnownType(frame.type())) {
        log.warn("skipped an unexpected {} frame from {} ({} bytes)", OsmProtocol.typeName(frame.type()), peer,
            frame.length());
      } else {
        log.warn("skipped a frame of unknown {} from {}", OsmProtocol.typeName(frame.type()), peer);
      }
    }
  }

  /**
   * Sends a REPORT when status differs from what this session last reported; the first call
   * after registration always sends. Called by the status thread; a failure to write only logs,
   * because the session thread sees the broken connection too.
   */
  synchronized void report(int status) {
    if (state != State.REGISTERED || (lastReported != null && lastReported == status)) {
      return;
    }
    try {
      writer.write(Frame.int32(OsmProtocol.REPORT, status));
      lastReported = status;
      agent.reported(status, peer);
    } catch (IOException e) {
      log.debug("REPORT {} to {} failed: {}", status, peer, e.getMessage());
    }
  }

  private SessionEnd end(SessionEnd how, Kind kind, String detail) {
    if (agent.isClosing()) {
      return SessionEnd.CLOSED;
    }
    agent.emit(kind, detail);
    return how;
  }
}
