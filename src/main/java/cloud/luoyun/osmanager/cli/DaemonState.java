package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.ControllerState;
import cloud.luoyun.osmanager.util.HumanTime;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the running daemon says of itself in {@code state/daemon.json}, for {@code osmanager
 * status}: its command, pid and start, where its parts listen, what the agent knows of its
 * controller (absent when the instance has no controller: its config came from another cloud)
 * and the application's status.
 * <pre>
 * {"command": "run", "pid": 4242, "startedAt": "2026-11-25T18:58:21+08:00", "config": "luoyun",
 *  "pages": {"address": "0.0.0.0", "port": 8080}, "terminal": {"address": "0.0.0.0", "port": 8001},
 *  "controller": {"address": "10.0.0.1:1369", "registered": true, "registeredSince": "...",
 *                 "lastReport": 2000, "lastReportAt": "..."},
 *  "application": 2000}
 * </pre>
 * Times in ISO 8601 with the offset; a file of release 0.2.0 (start in epoch milliseconds, no
 * {@code config}) reads too. Every value not known is absent. Holds no secret.
 *
 * @param config where the daemon's config came from ({@code luoyun}, {@code nocloud},
 *     {@code configdrive}); empty in a file of 0.2.0, which knew LuoYun's only
 * @param terminal empty when the config disables the web terminal
 * @param controller empty when there is no controller to register with
 */
record DaemonState(String command, long pid, Optional<Instant> startedAt, Optional<String> config,
    Optional<Listener> pages, Optional<Listener> terminal, Optional<ControllerState> controller,
    OptionalInt application) {
  static final String FILE = "daemon.json";
  /** Larger is not ours: read no more of it. */
  private static final int MAX_BYTES = 64 * 1024;

  /** Where a part listens: an address literal ({@code 0.0.0.0} for all) and a port. */
  record Listener(String address, int port) {}

  /**
   * What {@code file} says; empty when no daemon ever wrote it. Values of the wrong type are taken
   * as absent: the file is ours, but a reader must not fail on one written by another release.
   *
   * @throws IOException when it cannot be read or is not a JSON object
   */
  static Optional<DaemonState> read(Path file) throws IOException {
    Object parsed;
    try (InputStream in = Files.newInputStream(file)) {
      parsed = JSON.std.anyFrom(in.readNBytes(MAX_BYTES));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw new IOException("not a JSON object");
    }
    Object at = m.get("startedAt");
    // epoch milliseconds: the file of a daemon of version 0.2.0, still running during an upgrade
    Optional<Instant> startedAt = at instanceof Number ms ? Optional.of(Instant.ofEpochMilli(ms.longValue()))
        : HumanTime.parse(at);
    return Optional.of(new DaemonState(text(m.get("command")).orElse("?"),
        m.get("pid") instanceof Number n ? n.longValue() : -1, startedAt, text(m.get("config")),
        listener(m.get("pages")), listener(m.get("terminal")), controller(m.get("controller")),
        m.get("application") instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty()));
  }

  /** The state as JSON values, as {@code state/daemon.json} holds it. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    m.put("pid", pid);
    startedAt.ifPresent(t -> m.put("startedAt", HumanTime.iso(t)));
    config.ifPresent(c -> m.put("config", c));
    pages.ifPresent(p -> m.put("pages", toMap(p)));
    terminal.ifPresent(t -> m.put("terminal", toMap(t)));
    controller.ifPresent(c -> m.put("controller", toMap(c)));
    application.ifPresent(a -> m.put("application", a));
    return m;
  }

  static Map<String, Object> toMap(Listener l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", l.address());
    m.put("port", l.port());
    return m;
  }

  static Map<String, Object> toMap(ControllerState c) {
    Map<String, Object> m = new LinkedHashMap<>();
    c.controller().ifPresent(a -> m.put("address", a));
    m.put("registered", c.registered());
    c.registeredSince().ifPresent(t -> m.put("registeredSince", HumanTime.iso(t)));
    c.lastReport().ifPresent(r -> m.put("lastReport", r));
    c.lastReportAt().ifPresent(t -> m.put("lastReportAt", HumanTime.iso(t)));
    c.troubleSince().ifPresent(t -> m.put("troubleSince", HumanTime.iso(t)));
    c.trouble().ifPresent(t -> m.put("trouble", t));
    return m;
  }

  private static Optional<Listener> listener(Object o) {
    if (!(o instanceof Map<?, ?> m) || !(m.get("port") instanceof Number port)) {
      return Optional.empty();
    }
    return Optional.of(new Listener(text(m.get("address")).orElse("0.0.0.0"), port.intValue()));
  }

  private static Optional<ControllerState> controller(Object o) {
    if (!(o instanceof Map<?, ?> m)) {
      return Optional.empty();
    }
    return Optional.of(new ControllerState(text(m.get("address")), Boolean.TRUE.equals(m.get("registered")),
        HumanTime.parse(m.get("registeredSince")),
        m.get("lastReport") instanceof Number r ? OptionalInt.of(r.intValue()) : OptionalInt.empty(),
        HumanTime.parse(m.get("lastReportAt")), HumanTime.parse(m.get("troubleSince")), text(m.get("trouble"))));
  }

  private static Optional<String> text(Object o) {
    return o instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
  }
}
