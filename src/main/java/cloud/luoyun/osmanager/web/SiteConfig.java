package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Domain;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSettings;
import cloud.luoyun.osmanager.config.WebSsh;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the page server takes from {@code conf/luoyun.conf}: the owner's cookie, the name to show
 * as {@code $hostname}, and what it says of the web terminal. Immutable and thread-safe.
 *
 * <p>Without a usable config (none yet, or one that does not parse) nobody is the owner: every
 * request gets the public pages. Failing closed matters more than showing the owner page.
 */
final class SiteConfig {
  private static final Logger LOG = LoggerFactory.getLogger(SiteConfig.class);
  static final SiteConfig NONE = new SiteConfig(null, Optional.empty(), WebSsh.DEFAULT);

  private final byte[] cookie; // null: no owner view
  private final Optional<String> hostname;
  private final WebSsh webssh;

  private SiteConfig(byte[] cookie, Optional<String> hostname, WebSsh webssh) {
    this.cookie = cookie;
    this.hostname = hostname;
    this.webssh = webssh;
  }

  static SiteConfig of(InstanceSettings s) {
    byte[] cookie = s.cookie().filter(c -> !c.isEmpty())
        .map(c -> c.getBytes(StandardCharsets.UTF_8)).orElse(null);
    Optional<String> hostname = s.domain().flatMap(Domain::name);
    if (hostname.isEmpty() && !s.network().isEmpty()) {
      hostname = s.network().get(0).ip().map(Object::toString);
    }
    return new SiteConfig(cookie, hostname, s.webssh());
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
          c.webssh.enabled() ? "on port " + c.webssh.portOrDefault() : "disabled");
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

  /** The config's {@code webssh} setting (the default when the config has none or is unusable). */
  WebSsh webssh() {
    return webssh;
  }

  @Override
  public String toString() {
    return "SiteConfig[cookie=" + (cookie == null ? "none" : "****") + ", hostname=" + hostname
        + ", webssh=" + (webssh.enabled() ? webssh.portOrDefault() : "disabled") + "]";
  }
}
