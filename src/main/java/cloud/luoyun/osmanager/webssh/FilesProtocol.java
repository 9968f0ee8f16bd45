package cloud.luoyun.osmanager.webssh;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of the files socket ({@code /files}), the Files panel's own WebSocket beside the
 * terminal's: transfers never queue in front of keystrokes. Requests and answers are JSON text
 * messages, one object each with {@code op} (page) or {@code t} (server); an upload's bytes are
 * binary messages of at most {@link #MAX_CHUNK} bytes.
 *
 * <pre>
 * page -> server                                         server -> page
 *   {op:hello, token}    first; the terminal's token      {t:ready, home, user, upload, download}
 *                                                         {t:login, text, upload, download} no login now: the panel waits
 *                                                         {t:denied, text} and the socket closes
 *                        (then, as the session's logins come and go: {t:login, ...}, {t:ready, ...})
 *   {op:list, path}                                       {t:list, path, parent, entries:[{name,kind,size,mtime,target}]}
 *   {op:upload, dir, name, size, answer}                  {t:exists, name} (answer "ask" and the name is taken)
 *        answer: ask | replace | keep | skip              {t:go, name} then the page sends the bytes
 *   binary: the next bytes of the upload                  {t:written, n} bytes the server has written
 *                                                         {t:done, name} | {t:skipped, name}
 *   {op:cancel}                                           {t:cancelled}
 *   {op:ticket, path}                                     {t:ticket, url} a GET of url downloads the file
 *                                                         {t:error, op, text} the sentence to show
 * </pre>
 *
 * Flow control: the page keeps at most {@link #WINDOW} bytes sent and not yet reported written;
 * the server handles messages in order and reads at most two ahead of the one it is handling, so
 * TCP holds back the rest.
 * Every field is checked here (type, length) before the session sees it.
 */
final class FilesProtocol {
  static final int MAX_CHUNK = 256 * 1024;
  static final int WINDOW = 16 * MAX_CHUNK;
  static final int MAX_TEXT = 16 * 1024;
  static final int MAX_PATH = 4096;
  /** A size beyond any file system we would meet (1 PiB); a bigger one is a hostile page. */
  static final long MAX_SIZE = 1L << 50;

  enum Answer { ASK, REPLACE, KEEP, SKIP }

  sealed interface Request permits Hello, ListDir, Upload, Cancel, TicketRequest {}

  record Hello(String token) implements Request {}

  record ListDir(String path) implements Request {}

  record Upload(String dir, String name, long size, Answer answer) implements Request {}

  record Cancel() implements Request {}

  record TicketRequest(String path) implements Request {}

  private FilesProtocol() {}

  static Request decode(String text) throws TerminalProtocol.ProtocolException {
    Map<String, Object> m;
    try {
      m = JSON.std.mapFrom(text);
    } catch (IOException | RuntimeException e) {
      throw new TerminalProtocol.ProtocolException("not a JSON object");
    }
    String op = string(m, "op", 16);
    return switch (op) {
      case "hello" -> new Hello(string(m, "token", TerminalProtocol.TOKEN_LENGTH));
      case "list" -> new ListDir(path(m, "path"));
      case "upload" -> new Upload(path(m, "dir"), string(m, "name", 1024), size(m), answer(m));
      case "cancel" -> new Cancel();
      case "ticket" -> new TicketRequest(path(m, "path"));
      default -> throw new TerminalProtocol.ProtocolException("unknown op");
    };
  }

  private static String string(Map<String, Object> m, String field, int max) throws TerminalProtocol.ProtocolException {
    if (!(m.get(field) instanceof String s)) {
      throw new TerminalProtocol.ProtocolException(field + ": a string is required");
    }
    if (s.length() > max) {
      throw new TerminalProtocol.ProtocolException(field + " is " + s.length() + " characters (expected: at most " + max + ")");
    }
    return s;
  }

  /** An absolute path without NUL: the SFTP server interprets it, nothing else does. */
  private static String path(Map<String, Object> m, String field) throws TerminalProtocol.ProtocolException {
    String p = string(m, field, MAX_PATH);
    if (!p.startsWith("/") || p.indexOf('\0') >= 0) {
      throw new TerminalProtocol.ProtocolException(field + ": an absolute path without NUL is required");
    }
    return p;
  }

  private static long size(Map<String, Object> m) throws TerminalProtocol.ProtocolException {
    if (!(m.get("size") instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < 0 || n.longValue() > MAX_SIZE) {
      throw new TerminalProtocol.ProtocolException("size: a whole number 0.." + MAX_SIZE + " is required");
    }
    return n.longValue();
  }

  private static Answer answer(Map<String, Object> m) throws TerminalProtocol.ProtocolException {
    return switch (string(m, "answer", 8)) {
      case "ask" -> Answer.ASK;
      case "replace" -> Answer.REPLACE;
      case "keep" -> Answer.KEEP;
      case "skip" -> Answer.SKIP;
      default -> throw new TerminalProtocol.ProtocolException("answer: one of ask, replace, keep, skip is required");
    };
  }

  // ---- server -> page

  static String message(String type, Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("t", type);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    try {
      return JSON.std.asString(m);
    } catch (IOException e) {
      throw new IllegalStateException("JSON of plain values cannot fail", e);
    }
  }

  static String list(String path, String parent, List<RemoteFiles.Entry> entries) {
    List<Map<String, Object>> list = entries.stream().map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", e.name());
      m.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
      m.put("size", e.size());
      m.put("mtime", e.modified());
      m.put("target", e.target().name().toLowerCase(java.util.Locale.ROOT));
      return m;
    }).toList();
    return message("list", "path", path, "parent", parent, "entries", list);
  }
}
