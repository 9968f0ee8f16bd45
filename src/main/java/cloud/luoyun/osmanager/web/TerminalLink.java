package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.WebSsh;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Where the owner's built-in page links to the web terminal, and the SHA-256 fingerprint of the
 * certificate it serves, which the page shows so that the owner can check the browser's warning
 * about a certificate no authority vouches for. Implementations are thread-safe and quick: they
 * are asked on request threads.
 */
public interface TerminalLink {
  /**
   * The port to link to, or empty for no link.
   *
   * @param configured the instance config's {@code webssh} setting in force now
   */
  OptionalInt port(WebSsh configured);

  /** The fingerprint ({@link TlsIdentity#fingerprint()}), or empty when not known. */
  default Optional<String> fingerprint() {
    return Optional.empty();
  }

  /** No terminal runs beside the page server ({@code osmanager run} with the terminal disabled). */
  TerminalLink NONE = c -> OptionalInt.empty();

  /**
   * The page server runs alone ({@code osmanager web}): a terminal, if any, is another process
   * started from the same config, so it listens where the config says and serves its own
   * certificate, {@link Home#terminalCertificate()} (read again when it changes). A terminal given
   * the operator's certificate removes that file, so no fingerprint is shown for it.
   */
  static TerminalLink configured(Home home) {
    return new ConfiguredTerminalLink(home, Recheck.EVERY_SECOND);
  }

  /**
   * The terminal runs in this process: its own port, whatever the config says (an option or port 0
   * may have moved it), and the fingerprint of the certificate it serves.
   */
  static TerminalLink of(IntSupplier terminalPort, Supplier<Optional<String>> fingerprint) {
    return new TerminalLink() {
      @Override
      public OptionalInt port(WebSsh c) {
        int port = terminalPort.getAsInt();
        return port > 0 ? OptionalInt.of(port) : OptionalInt.empty();
      }

      @Override
      public Optional<String> fingerprint() {
        return fingerprint.get();
      }
    };
  }
}
