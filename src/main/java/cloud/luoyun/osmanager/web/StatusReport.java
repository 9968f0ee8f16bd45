package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.web.AgentStatusSource.AgentStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner's {@code /status.json}: what an owner or a monitoring script wants to know without
 * logging in. Everything comes from {@code /proc}, the JDK's interface list and the agent's own
 * state; no command is run. A value that cannot be read is {@code null}, never an error.
 *
 * <p>Thread-safe (stateless apart from the injected sources).
 */
final class StatusReport {
  static final String NO_AGENT_NOTE =
      "no agent in this process (osmanager web runs alone); osmanager run shows the agent's state";

  private final Path proc;
  private final HostAddresses addresses;

  StatusReport(Path proc, HostAddresses addresses) {
    this.proc = proc;
    this.addresses = addresses;
  }

  Map<String, Object> build(String hostname, VersionInfo version, AgentStatus agent, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hostname", hostname);
    m.put("time", now.toString());
    m.put("application", application(version, agent));
    m.put("agent", agent(agent));
    m.put("uptimeSeconds", uptimeSeconds());
    m.put("load", load());
    m.put("memory", memory());
    List<Map<String, Object>> nics = new ArrayList<>();
    for (HostAddresses.Interface i : addresses.interfaces()) {
      Map<String, Object> nic = new LinkedHashMap<>();
      nic.put("interface", i.name());
      nic.put("ipv4", i.ipv4());
      nics.add(nic);
    }
    m.put("addresses", nics);
    return m;
  }

  private static Map<String, Object> application(VersionInfo v, AgentStatus agent) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", v.application());
    m.put("version1", v.version1());
    m.put("version2", v.version2());
    if (agent.lastReport().isPresent()) {
      int code = agent.lastReport().getAsInt();
      m.put("status", code);
      m.put("state", stateOf(code));
    } else {
      m.put("status", null);
      m.put("state", "unknown");
    }
    return m;
  }

  /** The meaning of a report code (SPEC 4.3): 2000 running, 2001..2127 not ready, else unknown. */
  static String stateOf(int code) {
    if (code == 2000) {
      return "running";
    }
    if (code > 2000 && code < 2128) {
      return "not ready (status script exit " + (code - 2000) + ")";
    }
    return "unknown";
  }

  private static Map<String, Object> agent(AgentStatus agent) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("known", agent.known());
    m.put("registered", agent.registered().orElse(null));
    if (!agent.known()) {
      m.put("note", NO_AGENT_NOTE);
    }
    return m;
  }

  private Long uptimeSeconds() {
    String[] f = firstLineFields("uptime");
    if (f.length < 1) {
      return null;
    }
    try {
      return (long) Double.parseDouble(f[0]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private Map<String, Object> load() {
    String[] f = firstLineFields("loadavg");
    if (f.length < 3) {
      return null;
    }
    try {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("1m", Double.parseDouble(f[0]));
      m.put("5m", Double.parseDouble(f[1]));
      m.put("15m", Double.parseDouble(f[2]));
      return m;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** MemTotal and MemAvailable from /proc/meminfo, in KiB. */
  private Map<String, Object> memory() {
    List<String> lines = readLines("meminfo");
    Map<String, Object> m = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2) {
        continue;
      }
      String key = switch (f[0]) {
        case "MemTotal:" -> "totalKiB";
        case "MemAvailable:" -> "availableKiB";
        default -> null;
      };
      if (key != null) {
        try {
          m.put(key, Long.parseLong(f[1]));
        } catch (NumberFormatException e) {
          // leave it out
        }
      }
    }
    return m.isEmpty() ? null : m;
  }

  private String[] firstLineFields(String name) {
    List<String> lines = readLines(name);
    return lines.isEmpty() ? new String[0] : lines.get(0).trim().split("\\s+");
  }

  private List<String> readLines(String name) {
    try {
      return Files.readAllLines(proc.resolve(name), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
