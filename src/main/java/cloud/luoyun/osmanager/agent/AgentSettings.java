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
 */
public record AgentSettings(int tag, byte[] key, Optional<InetSocketAddress> controller,
    InetSocketAddress discoveryGroup, Path statusScript, Duration statusInterval, Duration statusTimeout) {

  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(60);

  public AgentSettings {
    key = key.clone();
    if (key.length == 0) {
      throw new IllegalArgumentException("KEY is empty");
    }
    if (statusInterval.isNegative() || statusInterval.isZero() || statusTimeout.isNegative() || statusTimeout.isZero()) {
      throw new IllegalArgumentException("status interval and time limit must be positive");
    }
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
        + statusInterval + ", statusTimeout=" + statusTimeout + "]";
  }
}
