package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.http.TlsIdentity;
import cloud.luoyun.osmanager.webssh.FilesMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the daemon's web terminal listens and what it serves, validated once from the options of
 * {@code run}, {@code boot}, {@code webssh} (and the demo's).
 *
 * @param port the terminal's port, or null for the config's (else 8001)
 * @param bind the address to listen on (a literal), or empty for all
 * @param sshPort the local sshd the terminal logs into
 * @param sshHostKeys that sshd's public host keys, the only ones the terminal trusts (absolute)
 * @param tls the operator's own key and certificate; empty: the terminal's own
 * @param files what the terminal's Files panel may do ({@code --files})
 */
record TerminalOptions(Integer port, Optional<String> bind, int sshPort, Path sshHostKeys, Optional<TlsIdentity> tls,
    FilesMode files) {
  /** The help text of {@code --files}, the same on every command that has it. */
  static final String FILES_HELP = "What the web terminal's Files panel may do for the logged-in user: on (upload "
      + "and download), off, download (only), upload (only). sshd and the file system still decide what that user "
      + "may read and write. Default: ${DEFAULT-VALUE}.";

  /** The operator's key and certificate from two options given together (or neither). */
  static Optional<TlsIdentity> tls(String certOption, Path cert, String keyOption, Path key) throws ConfigException {
    if (cert == null && key == null) {
      return Optional.empty();
    }
    if (cert == null || key == null) {
      throw new ConfigException(cert == null ? certOption : keyOption, "needed with " + (cert == null ? keyOption
          : certOption) + ": the certificate (PEM, the chain) and its private key (PEM PKCS#8) go together");
    }
    try {
      return Optional.of(TlsIdentity.read(cert, key));
    } catch (IOException e) {
      throw new ConfigException(certOption, Errors.describe(e));
    }
  }
}
