package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.AtomicFile;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trust on first use for the SSH server's host key: the first key seen for {@code [host]:port}
 * is written to a known-hosts file (OpenSSH format) under the home's {@code state/}; later a
 * different key is refused, with a message saying what changed and how to accept it on purpose.
 * Used for an sshd on another host, and for this host's sshd only when its host-key files cannot
 * be read ({@link HostKeyFiles}). Thread-safe.
 */
final class PinnedHostKeys implements ServerKeyVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(PinnedHostKeys.class);
  /** Why a key was refused, for the terminal; set on the session before it closes. */
  static final AttributeKey<Message> REFUSAL = new AttributeKey<>();

  private final Path file;
  private final String hostLabel;

  PinnedHostKeys(Path file, String host, int port) {
    this.file = file;
    this.hostLabel = "[" + host + "]:" + port;
  }

  @Override
  public synchronized boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    String presented;
    try {
      presented = PublicKeyEntry.toString(key);
    } catch (IllegalArgumentException e) {
      session.setAttribute(REFUSAL, Message.of(Phrase.HOST_KEY_UNKNOWN_KIND));
      return false;
    }
    try {
      List<String> lines = read();
      for (int i = 0; i < lines.size(); i++) {
        String[] fields = lines.get(i).trim().split("\\s+");
        if (fields.length >= 3 && fields[0].equals(hostLabel)) {
          String pinned = fields[1] + " " + fields[2];
          if (pinned.equals(presented)) {
            return true;
          }
          Message message = Message.of(Phrase.HOST_KEY_CHANGED, KeyUtils.getFingerPrint(key), fingerprintOf(fields),
              i + 1, file);
          LOG.warn("host key of {} changed: presented {}, pinned {}; refused", hostLabel, KeyUtils.getFingerPrint(key),
              fingerprintOf(fields));
          session.setAttribute(REFUSAL, message);
          return false;
        }
      }
      List<String> updated = new ArrayList<>(lines);
      updated.add(hostLabel + " " + presented);
      Files.createDirectories(file.getParent());
      AtomicFile.write(file, (String.join("\n", updated) + "\n").getBytes(StandardCharsets.UTF_8),
          PosixFilePermissions.fromString("rw-r--r--"));
      LOG.info("pinned the host key of {} on first use: {}", hostLabel, KeyUtils.getFingerPrint(key));
      return true;
    } catch (IOException e) {
      LOG.warn("cannot read or write {}: {}", file, e.toString());
      session.setAttribute(REFUSAL, Message.of(Phrase.HOST_KEY_UNCHECKABLE, file, String.valueOf(e.getMessage())));
      return false;
    }
  }

  private List<String> read() throws IOException {
    try {
      List<String> lines = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
      return lines;
    } catch (NoSuchFileException e) {
      return new ArrayList<>();
    }
  }

  private static String fingerprintOf(String[] fields) {
    try {
      return KeyUtils.getFingerPrint(HostKeyFiles.publicKey(fields[1] + " " + fields[2]));
    } catch (Exception e) {
      return fields[1] + " (unreadable)";
    }
  }
}
