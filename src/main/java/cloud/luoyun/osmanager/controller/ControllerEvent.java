package cloud.luoyun.osmanager.controller;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing that happened at the development controller, printable as one line of text or one
 * line of JSON. Carries no keys or challenges.
 *
 * @param kind what happened
 * @param remote the agent's address and port, or "" for events of the controller itself
 * @param tag the instance's tag, or null before the agent said it
 * @param detail the rest, one line, e.g. "ip=10.0.0.5"
 */
public record ControllerEvent(Kind kind, String remote, Integer tag, String detail) {

  public enum Kind {
    LISTENING,
    CONNECTED,
    UNKNOWN_TAG,
    AUTHENTICATED,
    AUTH_FAILED,
    REGISTERED,
    REFUSED,
    REPORT,
    ECHO_OK,
    ECHO_WRONG,
    QUERY_OK,
    QUERY_WRONG,
    BAD_FRAME,
    IGNORED_FRAME,
    DISCONNECTED,
    BEACON;

    /** "auth-failed" for AUTH_FAILED. */
    public String label() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  public ControllerEvent {
    remote = remote == null ? "" : remote;
    detail = detail == null ? "" : detail.replace('\n', ' ').replace('\r', ' ');
  }

  /** e.g. "registered tag=7 ip=10.0.0.5 from=127.0.0.1:40312". */
  public String line() {
    StringBuilder b = new StringBuilder(kind.label());
    if (tag != null) {
      b.append(" tag=").append(tag);
    }
    if (!detail.isEmpty()) {
      b.append(' ').append(detail);
    }
    if (!remote.isEmpty()) {
      b.append(" from=").append(remote);
    }
    return b.toString();
  }

  /** e.g. {"event":"registered","tag":7,"detail":"ip=10.0.0.5","remote":"127.0.0.1:40312"}. */
  public String json() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("event", kind.label());
    if (tag != null) {
      map.put("tag", tag);
    }
    map.put("detail", detail);
    map.put("remote", remote);
    try {
      return JSON.std.asString(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return line();
  }
}
