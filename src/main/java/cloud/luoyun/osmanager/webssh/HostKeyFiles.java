package cloud.luoyun.osmanager.webssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trust for an sshd on this host: the key it presents must be one of the host's own public host
 * keys, the files {@code ssh_host_*_key.pub} in the host-key directory ({@code /etc/ssh}). Those
 * are what {@code osmanager configure} makes anew for each instance cloned from an image, so they
 * are read at every login: new keys are trusted without a restart, and a pin of the image's old
 * key cannot stand in the way. A key that is not among them is refused and never pinned.
 *
 * <p>Only when the directory has no readable key file at all (no OpenSSH keys there) does the
 * fallback decide, trust on first use in {@code state/webssh-known-hosts}. While the files decide,
 * that pin file is neither read nor written: a pin left from before (an older osmanager, the
 * image's previous life) locks no one out, and stays for the fallback. Thread-safe.
 */
final class HostKeyFiles implements ServerKeyVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(HostKeyFiles.class);
  private static final String GLOB = "ssh_host_*_key.pub";
  /** A public key line is at most a few KB (RSA 16384: ~2.8 KB); more is not a key file. */
  private static final long MAX_FILE_BYTES = 64 * 1024;

  private final Path dir;
  private final String hostLabel;
  private final ServerKeyVerifier fallback;
  private volatile Boolean usedFiles; // which way the last login went, to log only changes

  HostKeyFiles(Path dir, String host, int port, ServerKeyVerifier fallback) {
    this.dir = dir;
    this.hostLabel = host + ":" + port;
    this.fallback = fallback;
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    List<PublicKey> own = read();
    noteMode(!own.isEmpty());
    if (own.isEmpty()) {
      return fallback.verifyServerKey(session, remote, key);
    }
    for (PublicKey candidate : own) {
      if (KeyUtils.compareKeys(candidate, key)) {
        return true;
      }
    }
    String presented = KeyUtils.getFingerPrint(key) + " (" + KeyUtils.getKeyType(key) + ")";
    LOG.warn("the SSH server at {} presented host key {}, which is not one of this host's keys in {}; refused",
        hostLabel, presented, dir);
    session.setAttribute(PinnedHostKeys.REFUSAL, Message.of(Phrase.HOST_KEY_NOT_OURS, hostLabel, presented, dir));
    return false;
  }

  /** This host's public host keys, now; a file that cannot be read as one is left out. */
  private List<PublicKey> read() {
    List<PublicKey> keys = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, GLOB)) {
      for (Path file : files) {
        try {
          keys.add(parse(file));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
          // MINA's parsers throw IllegalArgumentException and friends for malformed lines
          LOG.warn("{} is not a readable public host key: {}", file, e.toString());
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      // no host keys here at all: the fallback decides
    } catch (IOException e) {
      LOG.warn("cannot list the host keys in {}: {}", dir, e.toString());
    }
    return keys;
  }

  private static PublicKey parse(Path file) throws IOException, GeneralSecurityException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
    }
    return publicKey(Files.readString(file, StandardCharsets.UTF_8).strip().lines().findFirst().orElse(""));
  }

  /** Parses {@code type base64 [comment]} with MINA's own parser, also for {@link PinnedHostKeys}. */
  static PublicKey publicKey(String entry) throws IOException, GeneralSecurityException {
    PublicKeyEntry parsed = PublicKeyEntry.parsePublicKeyEntry(entry);
    if (parsed == null) {
      throw new IOException("no key in it");
    }
    PublicKey key = parsed.resolvePublicKey(null, null, null);
    if (key == null) {
      throw new GeneralSecurityException("unsupported key type " + parsed.getKeyType());
    }
    return key;
  }

  private void noteMode(boolean files) {
    Boolean before = usedFiles;
    usedFiles = files;
    if (before == null || before != files) {
      if (files) {
        LOG.info("the SSH server at {} must present one of this host's keys in {}", hostLabel, dir);
      } else {
        LOG.info("no readable {} in {}: the SSH server's key at {} is trusted on first use", GLOB, dir, hostLabel);
      }
    }
  }
}
