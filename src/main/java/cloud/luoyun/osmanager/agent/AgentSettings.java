package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the agent needs to know, taken from the instance config and the command line.
 *
 * @param tag this instance's id in the cloud
 * @param key the KEY bytes (RC4 key); never printed
 * @param controller the configured controller, or empty to discover it
 * @param discoveryGroup the multicast group of JOIN beacons
 * @param statusScript custom/scripts/status
 * @param statusInterval time between runs of the status script
 * @param statusTimeout time limit of one run
 * @param echoInterval how often, while registered, the agent checks that its controller still
 *     answers: on each check it sends an ECHO request unless it has heard from the controller
 *     within the last half interval; zero turns the checks off (TCP keepalive alone remains)
 * @param echoTimeout how long the controller has to return an ECHO request's bytes before the
 *     agent drops the connection and reconnects
 */
public record AgentSettings(int tag, byte[] key, Optional<InetSocketAddress> controller,
    InetSocketAddress discoveryGroup, Path statusScript, Duration statusInterval, Duration statusTimeout,
    Duration echoInterval, Duration echoTimeout) {

  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(60);
  /**
   * Once a minute, as often as the status script runs by default: a controller whose host
   * vanished is noticed within about 80 s (the next check plus {@link #DEFAULT_ECHO_TIMEOUT}),
   * not after the ~15 minutes of TCP retransmission, for one 24-byte frame a minute each way.
   */
  public static final Duration DEFAULT_ECHO_INTERVAL = Duration.ofSeconds(60);
  /** Generous for a controller busy with thousands of agents; still far below TCP's give-up time. */
  public static final Duration DEFAULT_ECHO_TIMEOUT = Duration.ofSeconds(20);

  public AgentSettings {
    key = key.clone();
    if (key.length == 0) {
      throw new IllegalArgumentException("KEY is empty");
    }
    if (statusInterval.isNegative() || statusInterval.isZero() || statusTimeout.isNegative() || statusTimeout.isZero()) {
      throw new IllegalArgumentException("status interval and time limit must be positive");
    }
    if (echoInterval.isNegative() || echoTimeout.isNegative() || echoTimeout.isZero()) {
      throw new IllegalArgumentException("echo interval must not be negative, echo time limit must be positive");
    }
  }

  /** Settings with the default liveness checks ({@link #DEFAULT_ECHO_INTERVAL}, {@link #DEFAULT_ECHO_TIMEOUT}). */
  public AgentSettings(int tag, byte[] key, Optional<InetSocketAddress> controller, InetSocketAddress discoveryGroup,
      Path statusScript, Duration statusInterval, Duration statusTimeout) {
    this(tag, key, controller, discoveryGroup, statusScript, statusInterval, statusTimeout, DEFAULT_ECHO_INTERVAL,
        DEFAULT_ECHO_TIMEOUT);
  }

  /** These settings with other liveness checks (see the record's parameters). */
  public AgentSettings withEcho(Duration interval, Duration timeout) {
    return new AgentSettings(tag, key, controller, discoveryGroup, statusScript, statusInterval, statusTimeout,
        interval, timeout);
  }

  /** Whether the agent checks its controller with ECHO requests at all. */
  public boolean echoChecks() {
    return !echoInterval.isZero();
  }

  public static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofSeconds(30);

  public static AgentSettings from(Home home, InstanceConfig config, Duration statusInterval, Duration statusTimeout) {
    return new AgentSettings(config.tag(), config.key().bytes(),
        config.clcIp().map(ip -> new InetSocketAddress(ip.toInetAddress(), config.clcPort())),
        new InetSocketAddress(config.clcMcastIp().toInetAddress(), config.clcMcastPort()),
        home.statusScript(), statusInterval, statusTimeout);
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "AgentSettings[tag=" + tag + ", key=****, controller=" + controller.map(Object::toString).orElse("discover")
        + ", discoveryGroup=" + discoveryGroup + ", statusScript=" + statusScript + ", statusInterval="
        + statusInterval + ", statusTimeout=" + statusTimeout + ", echoInterval=" + echoInterval + ", echoTimeout="
        + echoTimeout + "]";
  }
}
