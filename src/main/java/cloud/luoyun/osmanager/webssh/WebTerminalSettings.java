package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSettings;
import cloud.luoyun.osmanager.config.WebSsh;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@link WebTerminal} needs to know, validated once.
 *
 * @param bindHost address to listen on; empty for all addresses
 * @param port TCP port of the page and its WebSocket; 0 for any free port (tests)
 * @param sshHost the SSH server to log into (the instance's own sshd)
 * @param sshPort its port
 * @param sshHostKeyDir where this host's sshd keeps its public host keys ({@code ssh_host_*_key.pub},
 *     which {@code osmanager configure} regenerates for a new instance); an sshd on this host
 *     ({@link #sshOnThisHost()}) must present one of them
 * @param stateDir osmanager's own files; when the host-key directory has no keys, or the sshd is
 *     on another host, the SSH server's host key is pinned in {@code webssh-known-hosts} there on
 *     first use
 * @param maxSessions terminal sessions at once, attached or waiting for their page to come back
 * @param idleTimeout a session without input for this long is closed
 * @param gracePeriod how long a session waits for its page after the WebSocket dropped
 * @param pingInterval how often the server pings the page; three missed intervals drop the socket
 * @param replayBytes output kept to redraw the screen when a page reattaches
 * @param instance the instance the terminal serves: its TAG (for the terminal's own certificate)
 *     and the names a browser may reach it by
 * @param tls the operator's own key and certificate; when empty the terminal makes its own
 *     ({@link TerminalCertificate})
 * @param loginTimeout how long a page may stay without a logged-in shell (at the login prompt,
 *     in the login, after the shell ended) before its session is closed
 * @param files what the Files panel may do: upload, download, both or neither ({@code --files})
 */
public record WebTerminalSettings(Optional<String> bindHost, int port, String sshHost, int sshPort,
    Path sshHostKeyDir, Path stateDir, int maxSessions, Duration idleTimeout, Duration gracePeriod,
    Duration pingInterval, int replayBytes, Instance instance, Optional<TlsIdentity> tls, Duration loginTimeout,
    FilesMode files) {
  public static final String DEFAULT_SSH_HOST = "127.0.0.1";
  public static final int DEFAULT_SSH_PORT = 22;
  public static final String DEFAULT_SSH_HOST_KEYS = "/etc/ssh";

  public WebTerminalSettings {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(sshHost, "sshHost");
    Objects.requireNonNull(sshHostKeyDir, "sshHostKeyDir");
    Objects.requireNonNull(stateDir, "stateDir");
    check(port >= 0 && port <= 65535, "port", port);
    check(sshPort >= 1 && sshPort <= 65535, "sshPort", sshPort);
    check(!sshHost.isBlank(), "sshHost", sshHost);
    // read at every login, long after start: it must not depend on the working directory
    if (!sshHostKeyDir.isAbsolute()) {
      throw new IllegalArgumentException("sshHostKeyDir: not an absolute path: " + sshHostKeyDir);
    }
    check(maxSessions >= 1 && maxSessions <= 1000, "maxSessions", maxSessions);
    check(positive(idleTimeout), "idleTimeout", idleTimeout);
    check(positive(gracePeriod), "gracePeriod", gracePeriod);
    check(positive(pingInterval), "pingInterval", pingInterval);
    check(replayBytes >= 1024 && replayBytes <= 16 * 1024 * 1024, "replayBytes", replayBytes);
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(tls, "tls");
    check(positive(loginTimeout), "loginTimeout", loginTimeout);
    Objects.requireNonNull(files, "files");
  }

  /**
   * What the terminal knows of the instance it serves.
   *
   * @param tag the instance's TAG; the terminal's own certificate is made for one TAG, so that a
   *     clone of an image never serves the image's certificate
   * @param names the names and addresses the cloud gave it ({@code domain.name}, {@code domain.ip},
   *     the {@code network} entries' {@code ip}), lower case: with localhost, the loopback
   *     addresses and the address a request came in on, the only Host names a request may use
   */
  public record Instance(OptionalInt tag, List<String> names) {
    public static final Instance NONE = new Instance(OptionalInt.empty(), List.of());

    public Instance {
      Objects.requireNonNull(tag, "tag");
      names = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /** From the instance config: its TAG, domain and addresses. */
    public static Instance of(InstanceConfig config) {
      List<String> names = new ArrayList<>();
      InstanceSettings s = config.settings();
      s.domain().ifPresent(d -> {
        d.name().ifPresent(names::add);
        d.ip().ifPresent(ip -> names.add(ip.toString()));
      });
      s.network().forEach(e -> e.ip().ifPresent(ip -> names.add(ip.toString())));
      return new Instance(OptionalInt.of(config.tag()), names);
    }
  }

  /**
   * Port 8001 on all addresses over TLS with a certificate of its own, to 127.0.0.1:22 with the
   * host keys in /etc/ssh, 8 logged-in sessions, 30 min idle, 60 s grace, 60 s to log in.
   */
  public static WebTerminalSettings defaults(Path stateDir) {
    return new WebTerminalSettings(Optional.empty(), WebSsh.DEFAULT_PORT, DEFAULT_SSH_HOST, DEFAULT_SSH_PORT,
        Path.of(DEFAULT_SSH_HOST_KEYS), stateDir, 8, Duration.ofMinutes(30), Duration.ofSeconds(60),
        Duration.ofSeconds(20), 256 * 1024, Instance.NONE, Optional.empty(), Duration.ofSeconds(60), FilesMode.ON);
  }

  public WebTerminalSettings withBind(Optional<String> host, int newPort) {
    return new WebTerminalSettings(host, newPort, sshHost, sshPort, sshHostKeyDir, stateDir, maxSessions, idleTimeout,
        gracePeriod, pingInterval, replayBytes, instance, tls, loginTimeout, files);
  }

  public WebTerminalSettings withSsh(String host, int newPort) {
    return new WebTerminalSettings(bindHost, port, host, newPort, sshHostKeyDir, stateDir, maxSessions, idleTimeout,
        gracePeriod, pingInterval, replayBytes, instance, tls, loginTimeout, files);
  }

  public WebTerminalSettings withSshHostKeys(Path dir) {
    return new WebTerminalSettings(bindHost, port, sshHost, sshPort, dir, stateDir, maxSessions, idleTimeout,
        gracePeriod, pingInterval, replayBytes, instance, tls, loginTimeout, files);
  }

  public WebTerminalSettings withLimits(int sessions, Duration idle, Duration grace, Duration ping) {
    return new WebTerminalSettings(bindHost, port, sshHost, sshPort, sshHostKeyDir, stateDir, sessions, idle, grace,
        ping, replayBytes, instance, tls, loginTimeout, files);
  }

  public WebTerminalSettings withLoginTimeout(Duration timeout) {
    return new WebTerminalSettings(bindHost, port, sshHost, sshPort, sshHostKeyDir, stateDir, maxSessions, idleTimeout,
        gracePeriod, pingInterval, replayBytes, instance, tls, timeout, files);
  }

  public WebTerminalSettings withInstance(Instance i) {
    return new WebTerminalSettings(bindHost, port, sshHost, sshPort, sshHostKeyDir, stateDir, maxSessions, idleTimeout,
        gracePeriod, pingInterval, replayBytes, i, tls, loginTimeout, files);
  }

  /** The operator's own key and certificate instead of the terminal's own; empty for its own. */
  /** What the Files panel may do ({@code --files}). */
  public WebTerminalSettings withFiles(FilesMode mode) {
    return new WebTerminalSettings(bindHost, port, sshHost, sshPort, sshHostKeyDir, stateDir, maxSessions, idleTimeout,
        gracePeriod, pingInterval, replayBytes, instance, tls, loginTimeout, mode);
  }

  public WebTerminalSettings withTls(Optional<TlsIdentity> operators) {
    return new WebTerminalSettings(bindHost, port, sshHost, sshPort, sshHostKeyDir, stateDir, maxSessions, idleTimeout,
        gracePeriod, pingInterval, replayBytes, instance, operators, loginTimeout, files);
  }

  /**
   * Whether the SSH server runs on this host, so that its host-key files are the trust anchor:
   * {@code localhost} or a loopback address literal. Other names are not resolved (a name that
   * resolves to loopback today may not tomorrow); they get trust on first use.
   */
  boolean sshOnThisHost() {
    String h = sshHost.startsWith("[") && sshHost.endsWith("]") ? sshHost.substring(1, sshHost.length() - 1) : sshHost;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return Arrays.stream(h.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255) && h.startsWith("127.");
    }
    if (h.matches("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*")) {
      try {
        // hex digits and a ':' are only ever parsed as an IPv6 literal by the JDK, never looked up
        return InetAddress.getByName(h).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false; // a name: never looked up here
  }

  /** Where to listen: {@link #bindHost()} (an address literal, never looked up) or all addresses. */
  InetSocketAddress bindAddress() {
    return bindHost.map(h -> new InetSocketAddress(h, port)).orElseGet(() -> new InetSocketAddress(port));
  }

  /** The pinned host keys of the SSH servers this terminal logs into. */
  Path knownHostsFile() {
    return stateDir.resolve("webssh-known-hosts");
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void check(boolean ok, String field, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": out of range: " + value);
    }
  }
}
