package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.webssh.FilesMode;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one way every command checks its options: each check returns the value or throws a
 * {@link ConfigException} naming the option ({@code "--port: 70000 is out of range (expected:
 * 0..65535)"}), which {@link Main} prints as one line with exit status 2. {@code web},
 * {@code webssh}, {@code run} and {@code boot} use these, so the same option is refused in the
 * same words wherever it appears.
 */
final class OptionCheck {
  private OptionCheck() {}

  /** A port to listen on; 0 asks for any free port. */
  static int listenPort(String option, int value) throws ConfigException {
    return (int) range(option, value, 0, 65535);
  }

  /** A port to connect to. */
  static int port(String option, int value) throws ConfigException {
    return (int) range(option, value, 1, 65535);
  }

  static long range(String option, long value, long min, long max) throws ConfigException {
    if (value < min || value > max) {
      throw new ConfigException(option, value + " is out of range (expected: " + min + ".." + max + ")");
    }
    return value;
  }

  /** A period in whole seconds, at least one. */
  static long seconds(String option, long value) throws ConfigException {
    if (value < 1) {
      throw new ConfigException(option, "must be at least 1 second: " + value);
    }
    return value;
  }

  static String notBlank(String option, String value) throws ConfigException {
    if (value == null || value.isBlank()) {
      throw new ConfigException(option, "empty");
    }
    return value;
  }

  static Path notBlank(String option, Path value) throws ConfigException {
    notBlank(option, value == null ? null : value.toString());
    return value;
  }

  /**
   * An address of this host to listen on, as a literal, from an option's value (an IP literal,
   * or a name such as {@code localhost}: see {@link WebCommand#parseAddress}); empty when not given.
   */
  static Optional<String> bindAddress(String option, String value) throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(WebCommand.parseAddress(value).getHostAddress());
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new ConfigException(option, "not an address of this host: \"" + value + "\"");
    }
  }

  /** The Files panel's mode ({@code --files}). */
  static FilesMode files(String option, String value) throws ConfigException {
    try {
      return FilesMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(option, e.getMessage());
    }
  }
}
