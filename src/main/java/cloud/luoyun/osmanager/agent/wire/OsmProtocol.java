package cloud.luoyun.osmanager.agent.wire;

/**
 * Constants of the LuoYun controller protocol (SPEC §4), shared by the agent and the development
 * controller.
 *
 * <pre>
 * A frame, both directions; integers are little-endian (the C controller writes x86 order):
 *
 *   0               4               8
 *   +---------------+---------------+------------------------+
 *   | int32 type    | int32 length  | length bytes of body   |
 *   +---------------+---------------+------------------------+
 *
 * Bodies:
 *   JOIN            101    ASCII "join &lt;clc-ip&gt; &lt;clc-port&gt;"           (controller -> multicast)
 *   ECHO            901/902 any bytes; the reply carries the request's bytes
 *   QUERY request   20033  int32 request id                          (controller -> agent)
 *   QUERY reply     20034  ASCII "&lt;id&gt; &lt;tag&gt; &lt;4|5&gt; &lt;ip&gt;"                  (agent -> controller)
 *   REGISTER req.   40001  ASCII "&lt;tag&gt; 7 &lt;ip&gt;"                          (agent -> controller)
 *   REGISTER reply  40002  int32 1021 success / 1022 failure
 *   REPORT          40003  int32 2000 + status script exit code, 2128 unknown
 *   AUTH request    40011  int32 tag + 40 bytes challenge (agent: RC4-encrypted, controller: plain)
 *   AUTH reply      40012  int32 tag + 40 bytes answer    (controller: plain, agent: RC4-encrypted)
 * </pre>
 *
 * String bodies are sent without a terminating NUL and accepted with one.
 */
public final class OsmProtocol {
  private OsmProtocol() {}

  public static final int JOIN = 101;
  public static final int ECHO_REQUEST = 901;
  public static final int ECHO_REPLY = 902;
  public static final int QUERY_REQUEST = 20033;
  public static final int QUERY_REPLY = 20034;
  public static final int REGISTER_REQUEST = 40001;
  public static final int REGISTER_REPLY = 40002;
  public static final int REPORT = 40003;
  public static final int AUTH_REQUEST = 40011;
  public static final int AUTH_REPLY = 40012;

  public static final int HEADER_LENGTH = 8;
  /** The controller refuses frames of this many bytes or more (header included). */
  public static final int MAX_FRAME_LENGTH = 40960;
  /** The largest body any frame may carry. */
  public static final int MAX_BODY_LENGTH = MAX_FRAME_LENGTH - HEADER_LENGTH - 1;

  public static final int CHALLENGE_LENGTH = 40;
  public static final int AUTH_BODY_LENGTH = 4 + CHALLENGE_LENGTH;

  public static final int REGISTER_SUCCESS = 1021;
  public static final int REGISTER_FAILURE = 1022;
  /** The status an agent announces in its REGISTER request ("unregistered"). */
  public static final int STATUS_UNREGISTERED = 7;
  public static final int QUERY_CONNECTED = 4;
  public static final int QUERY_SERVING = 5;

  public static final int REPORT_RUNNING = 2000;
  public static final int REPORT_UNKNOWN = 2128;
  public static final int DEFAULT_PORT = 1369;

  /** Longest text body (REGISTER, QUERY reply, JOIN) a peer may send; real ones are under 64 bytes. */
  static final int MAX_TEXT_BODY_LENGTH = 256;

  /**
   * The most body bytes a frame of this type may carry. A reader checks the length field against
   * this before it allocates anything; the bodies of types not listed here are skipped unread.
   */
  public static int maxBodyLength(int type) {
    switch (type) {
      case AUTH_REQUEST:
      case AUTH_REPLY:
        return AUTH_BODY_LENGTH;
      case QUERY_REQUEST:
      case REGISTER_REPLY:
      case REPORT:
        return 4;
      case JOIN:
      case QUERY_REPLY:
      case REGISTER_REQUEST:
        return MAX_TEXT_BODY_LENGTH;
      case ECHO_REQUEST:
      case ECHO_REPLY:
      default:
        return MAX_BODY_LENGTH;
    }
  }

  /** Whether this is a type of the protocol at all; others are skipped by the reader. */
  public static boolean isKnownType(int type) {
    switch (type) {
      case JOIN:
      case ECHO_REQUEST:
      case ECHO_REPLY:
      case QUERY_REQUEST:
      case QUERY_REPLY:
      case REGISTER_REQUEST:
      case REGISTER_REPLY:
      case REPORT:
      case AUTH_REQUEST:
      case AUTH_REPLY:
        return true;
      default:
        return false;
    }
  }

  /** A short name for logs: "AUTH_REQUEST", or "type 12345" for an unknown type. */
  public static String typeName(int type) {
    switch (type) {
      case JOIN: return "JOIN";
      case ECHO_REQUEST: return "ECHO_REQUEST";
      case ECHO_REPLY: return "ECHO_REPLY";
      case QUERY_REQUEST: return "QUERY_REQUEST";
      case QUERY_REPLY: return "QUERY_REPLY";
      case REGISTER_REQUEST: return "REGISTER_REQUEST";
      case REGISTER_REPLY: return "REGISTER_REPLY";
      case REPORT: return "REPORT";
      case AUTH_REQUEST: return "AUTH_REQUEST";
      case AUTH_REPLY: return "AUTH_REPLY";
      default: return "type " + type;
    }
  }
}
