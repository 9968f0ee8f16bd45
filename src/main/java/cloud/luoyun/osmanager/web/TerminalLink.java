package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.WebSsh;
import java.util.OptionalInt;
import java.util.function.IntSupplier;

/**
 * Where the owner's built-in page links to the web terminal. Implementations are thread-safe and
 * quick: they are asked on request threads.
 */
@FunctionalInterface
public interface TerminalLink {
  /**
   * The port to link to, or empty for no link.
   *
   * @param configured the instance config's {@code webssh} setting in force now
   */
  OptionalInt port(WebSsh configured);

  /**
   * The page server runs alone ({@code osmanager web}): a terminal, if any, is another process
   * started from the same config, so it listens where the config says.
   */
  TerminalLink CONFIGURED = c -> c.enabled() ? OptionalInt.of(c.portOrDefault()) : OptionalInt.empty();

  /** No terminal runs beside the page server ({@code osmanager run} with the terminal disabled). */
  TerminalLink NONE = c -> OptionalInt.empty();

  /**
   * The terminal runs in this process: its own port, whatever the config says (an option or port 0
   * may have moved it).
   */
  static TerminalLink of(IntSupplier terminalPort) {
    return c -> {
      int port = terminalPort.getAsInt();
      return port > 0 ? OptionalInt.of(port) : OptionalInt.empty();
    };
  }
}
