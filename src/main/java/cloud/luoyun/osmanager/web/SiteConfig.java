package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Domain;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the page server takes from {@code conf/luoyun.conf}: the owner's cookie, the name to show
 * as {@code $hostname}, and where the web terminal listens. Immutable and thread-safe.
 *
 * <p>Without a usable config (none yet, or one that does not parse) nobody is the owner: every
 * request gets the public pages. Failing closed matters more than showing the owner page.
 */
final class SiteConfig {
  private static final Logger LOG = LoggerFactory.getLogger(SiteConfig.class);
  static final int DEFAULT_WEBSSH_PORT = 8001;
  static final SiteConfig NONE = new SiteConfig(null, Optional.empty(), true, DEFAULT_WEBSSH_PORT);

  private final byte[] cookie; // null: no owner view
  private final Optional<String> hostname;
  private final boolean websshEnabled;
  private final int websshPort;

  private SiteConfig(byte[] cookie, Optional<String> hostname, boolean websshEnabled, int websshPort) {
    this.cookie = cookie;
    this.hostname = hostname;
    this.websshEnabled = websshEnabled;
    this.websshPort = websshPort;
  }

  static SiteConfig of(InstanceSettings s) {
    byte[] cookie = s.cookie().filter(c -> !c.isEmpty())
        .map(c -> c.getBytes(StandardCharsets.UTF_8)).orElse(null);
    Optional<String> hostname = s.domain().flatMap(Domain::name);
    if (hostname.isEmpty() && !s.network().isEmpty()) {
      hostname = s.network().get(0).ip().map(Object::toString);
    }
    return new SiteConfig(cookie, hostname, s.webssh().enabled(),
        s.webssh().port().orElse(DEFAULT_WEBSSH_PORT));
  }

  /** The {@link WatchedFile} loader for {@code luoyun.conf}; logs once per change of the file. */
  static SiteConfig load(Path conf, boolean exists) {
    if (!exists) {
      LOG.info("{} does not exist (yet): serving the public pages to everyone", conf);
      return NONE;
    }
    try {
      SiteConfig c = of(InstanceConfig.load(conf).settings());
      LOG.info("read {}: owner pages {}, web terminal {}", conf,
          c.cookie == null ? "off (no cookie in the config)" : "on",
          c.websshEnabled ? "on port " + c.websshPort : "disabled");
      return c;
    } catch (ConfigException e) {
      LOG.warn("{} is not valid ({}): serving the public pages to everyone", conf, e.getMessage());
    } catch (IOException e) {
      LOG.warn("cannot read {} ({}): serving the public pages to everyone", conf, e.toString());
    }
    return NONE;
  }

  /**
   * True when {@code candidate} is the owner's cookie. The comparison takes the same time whatever
   * the candidate's content ({@link MessageDigest#isEqual}), so the cookie cannot be guessed byte
   * by byte from response times.
   */
  boolean isOwner(String candidate) {
    if (cookie == null || candidate == null) {
      return false;
    }
    return MessageDigest.isEqual(cookie, candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code domain.name}, else the first network entry's {@code ip}; empty when neither is set. */
  Optional<String> configuredHostname() {
    return hostname;
  }

  boolean websshEnabled() {
    return websshEnabled;
  }

  int websshPort() {
    return websshPort;
  }

  @Override
  public String toString() {
    return "SiteConfig[cookie=" + (cookie == null ? "none" : "****") + ", hostname=" + hostname
        + ", webssh=" + (websshEnabled ? websshPort : "disabled") + "]";
  }
}
