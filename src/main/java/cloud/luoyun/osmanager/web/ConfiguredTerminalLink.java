package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.WebSsh;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TerminalLink#configured(Home)}: the port the config says, and the fingerprint of
 * {@link Home#terminalCertificate()}, looked at again as {@code recheck} says (a class of its own
 * so that tests can give a hand-moved clock without making {@link Recheck} public).
 */
final class ConfiguredTerminalLink implements TerminalLink {
  private static final Logger LOG = LoggerFactory.getLogger(ConfiguredTerminalLink.class);
  private final WatchedFile<Optional<String>> certificate;

  ConfiguredTerminalLink(Home home, Recheck recheck) {
    certificate = new WatchedFile<>(home.terminalCertificate(), (file, exists) -> {
      if (!exists) {
        return Optional.empty();
      }
      try {
        return Optional.of(TlsIdentity.fingerprint(file));
      } catch (IOException e) {
        LOG.warn("cannot read the web terminal's certificate: {}", e.getMessage());
        return Optional.empty();
      }
    }, recheck);
  }

  @Override
  public OptionalInt port(WebSsh c) {
    return c.enabled() ? OptionalInt.of(c.portOrDefault()) : OptionalInt.empty();
  }

  @Override
  public Optional<String> fingerprint() {
    return certificate.get();
  }
}
