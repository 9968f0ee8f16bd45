package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.Sha256;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key and certificate the terminal serves: the operator's own when given, else one of its
 * own in the home's {@code state/} ({@value #CERT_FILE}, and {@value #KEY_FILE} mode 0600).
 *
 * <p>Its own is self-signed and made for one instance: its subject is {@code CN=LuoYun instance
 * <TAG>}. {@code configure} makes it, like the SSH host keys, for each new instance (a TAG other
 * than the certificate's: an image's, in a clone of it, whose key must never be served by the
 * clone), and anew when the one there is unusable (its key does not match: a power cut between
 * the two files) or expires within {@link #RENEW_BEFORE} ({@code configure/TerminalCertificateStep},
 * with {@link #renew}). The terminal checks the same at its start and makes one itself only when
 * it still finds none it may serve: a home configure never ran in ({@code osmanager webssh} by
 * hand, the demo, an instance upgraded from a version without TLS), or one whose certificate
 * expired since the last boot. Both use this class: one rule for when a certificate is made.
 *
 * <p>Checking a certificate means parsing it and its key, which loads the JDK's X.509, EC and
 * signature code (with the TLS that serves it, some 500 classes and ~5 MiB of an idle daemon,
 * measured together). So a check that found a
 * pair servable leaves a stamp, {@value #STAMP_FILE}: the SHA-256 of both files, the subject it
 * was checked for and the day it must be renewed. While the files, the TAG and the date still
 * agree with the stamp, {@link #renew} and {@link #vouched} take its word (a reboot's configure
 * and the terminal's start parse nothing); any other byte in either file, another TAG or a later
 * date, and the pair is checked again. The stamp vouches, it does not serve: the terminal reads the
 * pair at its first TLS connection, through {@link #choose}, which checks it again.
 *
 * <p>With the operator's certificate, files of its own left in {@code state/} are removed, so
 * that {@code osmanager web} in another process never shows the fingerprint of a certificate the
 * terminal does not serve.
 */
public final class TerminalCertificate {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalCertificate.class);
  static final String CERT_FILE = Home.TERMINAL_CERTIFICATE;
  static final String KEY_FILE = Home.TERMINAL_KEY;
  static final String STAMP_FILE = "webssh-tls.checked";
  /** Long, since renewing changes the fingerprint the owner checked; within what Apple's platforms accept. */
  static final Duration VALIDITY = Duration.ofDays(825);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  /** The guest's clock at boot may be a little behind the browser's. */
  static final Duration BACKDATE = Duration.ofDays(1);

  private TerminalCertificate() {}

  static Path certFile(Path stateDir) {
    return stateDir.resolve(CERT_FILE);
  }

  static Path keyFile(Path stateDir) {
    return stateDir.resolve(KEY_FILE);
  }

  static Path stampFile(Path stateDir) {
    return stateDir.resolve(STAMP_FILE);
  }

  /** The subject's common name of the certificate made for this TAG. */
  static String commonName(OptionalInt tag) {
    return tag.isPresent() ? "LuoYun instance " + tag.getAsInt() : "osmanager web terminal";
  }

  /** What to serve: the operator's, else the terminal's own, made or renewed when needed. */
  static TlsIdentity choose(WebTerminalSettings settings, Clock clock) throws IOException {
    if (settings.tls().isPresent()) {
      forgetOwn(settings.stateDir());
      TlsIdentity given = settings.tls().get();
      if (given.certificate().getNotAfter().toInstant().isBefore(clock.instant())) {
        LOG.warn("the web terminal's certificate (the operator's) has expired: browsers will refuse it");
      }
      return given;
    }
    return own(settings.stateDir(), settings.instance(), clock);
  }

  private static TlsIdentity own(Path stateDir, WebTerminalSettings.Instance instance, Clock clock) throws IOException {
    return renew(stateDir, instance, clock, true, false, false).identity(); // made when none: never null
  }

  /**
   * The fingerprint of the terminal's own certificate in {@code stateDir}, when the stamp of an
   * earlier check vouches for the pair there as it is now, for this instance and this date: then
   * the terminal may announce it and read the pair when a browser first needs it.
   */
  static Optional<String> vouched(Path stateDir, WebTerminalSettings.Instance instance, Clock clock) {
    return Stamp.read(stateDir).filter(s -> s.vouchesFor(stateDir, commonName(instance.tag()), clock.instant()))
        .map(Stamp::fingerprint);
  }

  /**
   * What {@link #renew} did (or, in a dry run, would do).
   *
   * @param made whether a new certificate was (or would be) made
   * @param why why it was made, or why the one there is kept (also when there is none to keep)
   * @param fingerprint the SHA-256 fingerprint of the one made or the one there, when there is one
   *     (never in a dry run that would make one)
   * @param identity the one made or the one there, when it was read (not when the stamp vouched for it)
   */
  public record Renewal(boolean made, String why, Optional<String> fingerprint, TlsIdentity identity) {}

  /**
   * Makes the terminal's own certificate for this instance when the one in {@code stateDir} is
   * for another TAG, unusable or expiring, or when there is none and {@code makeIfNone}; writes
   * key and certificate atomically ({@link TlsIdentity#write}), then the stamp that vouches for
   * them. A pair the stamp vouches for is kept unread.
   *
   * @param instance the instance: its TAG names the certificate, its names and addresses go into it
   * @param dryRun say what would be done, change nothing
   */
  public static Renewal renew(Path stateDir, WebTerminalSettings.Instance instance, Clock clock, boolean makeIfNone,
      boolean dryRun) throws IOException {
    return renew(stateDir, instance, clock, makeIfNone, dryRun, true);
  }

  private static Renewal renew(Path stateDir, WebTerminalSettings.Instance instance, Clock clock, boolean makeIfNone,
      boolean dryRun, boolean takeStamp) throws IOException {
    Path cert = certFile(stateDir);
    Path key = keyFile(stateDir);
    String cn = commonName(instance.tag());
    if (takeStamp) {
      Optional<String> vouched = vouched(stateDir, instance, clock);
      if (vouched.isPresent()) {
        return new Renewal(false, kept(cn, vouched.get()), vouched, null);
      }
    }
    String why;
    if (!Files.exists(cert) && !Files.exists(key)) {
      if (!makeIfNone) {
        return new Renewal(false, "none in " + stateDir, Optional.empty(), null);
      }
      why = "none yet";
    } else {
      try {
        TlsIdentity existing = TlsIdentity.read(cert, key);
        why = stale(existing, cn, clock.instant());
        if (why == null) {
          if (!dryRun) {
            Stamp.write(stateDir, cn, existing);
          }
          return new Renewal(false, kept(cn, existing.fingerprint()), Optional.of(existing.fingerprint()), existing);
        }
      } catch (IOException e) {
        why = "the one in " + stateDir + " is unusable: " + Errors.reason(e);
      }
    }
    if (dryRun) {
      return new Renewal(true, why, Optional.empty(), null);
    }
    TlsIdentity made = make(cn, instance, clock.instant());
    Files.createDirectories(stateDir);
    Stamp.remove(stateDir); // it vouches for the old pair (by its hashes, never for another): gone first
    made.write(cert, key);
    Stamp.write(stateDir, cn, made);
    LOG.info("made a new certificate for the web terminal ({}): {}, SHA-256 fingerprint {}", why, cn,
        made.fingerprint());
    return new Renewal(true, why, Optional.of(made.fingerprint()), made);
  }

  private static String kept(String cn, String fingerprint) {
    return "the one for " + cn + " (SHA-256 " + fingerprint + ")";
  }

  /** Why {@code existing} must be replaced, or null when it may be served. */
  private static String stale(TlsIdentity existing, String cn, Instant now) {
    if (!existing.hasSubject(cn)) {
      return "the one in state/ was made for " + existing.certificate().getSubjectX500Principal().getName()
          + ", this is " + cn;
    }
    Instant notAfter = existing.certificate().getNotAfter().toInstant();
    if (notAfter.minus(RENEW_BEFORE).isBefore(now)) {
      return "the one in state/ expires on " + notAfter;
    }
    return null;
  }

  private static TlsIdentity make(String cn, WebTerminalSettings.Instance instance, Instant now) throws IOException {
    Set<String> dnsNames = new LinkedHashSet<>(List.of("localhost"));
    Set<InetAddress> addresses = new LinkedHashSet<>(loopback());
    for (String name : instance.names()) {
      InetAddress literal = OriginCheck.addressLiteral(name);
      if (literal != null) {
        addresses.add(literal);
      } else {
        dnsNames.add(name);
      }
    }
    addresses.addAll(interfaceAddresses());
    try {
      return TlsIdentity.selfSigned(cn, dnsNames, addresses, now.minus(BACKDATE), now.plus(VALIDITY),
          new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a certificate for the web terminal: " + Errors.reason(e), e);
    }
  }

  private static List<InetAddress> loopback() {
    try {
      return List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), InetAddress.getByName("::1"));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address literals need no lookup", e);
    }
  }

  /**
   * This host's addresses now (DHCP's among them), so that a browser that trusts the certificate
   * finds the address it used in it. Link-local IPv6 ones are left out: a URL cannot name them
   * without a zone.
   */
  private static List<InetAddress> interfaceAddresses() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (!a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
            out.add(a instanceof Inet6Address ? InetAddress.getByAddress(a.getAddress()) : a); // no zone
          }
        }
      }
    } catch (SocketException | UnknownHostException e) {
      LOG.debug("cannot list this host's addresses for the certificate: {}", e.toString());
    }
    return out;
  }

  /** Removes the terminal's own key and certificate, if any. */
  private static void forgetOwn(Path stateDir) throws IOException {
    Stamp.remove(stateDir);
    boolean key = Files.deleteIfExists(keyFile(stateDir));
    boolean cert = Files.deleteIfExists(certFile(stateDir));
    if (key || cert) {
      LOG.info("the web terminal serves the operator's certificate: removed its own from {}", stateDir);
    }
  }

  /**
   * What a check found: the pair's files by their SHA-256, fit to serve as {@code subject} until
   * {@code renewAfter}, and the certificate's fingerprint. One {@code name=value} a line, mode 0600,
   * replaced atomically; a line it does not know, or a file it cannot read, vouches for nothing.
   */
  private record Stamp(String subject, String certificate, String key, Instant renewAfter, String fingerprint) {
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");
    private static final int MAX_BYTES = 4096;

    /**
     * Leaves the stamp of a check that found the pair servable, unless the one there already says
     * the same (the terminal's own check at its first TLS connection, after configure's). Best
     * effort: without it (a read-only or full state/) the pair is checked at every start, as
     * before stamps, and served.
     */
    static void write(Path stateDir, String subject, TlsIdentity checked) {
      try {
        Stamp s = new Stamp(subject, sha256(certFile(stateDir)), sha256(keyFile(stateDir)),
            checked.certificate().getNotAfter().toInstant().minus(RENEW_BEFORE), checked.fingerprint());
        if (read(stateDir).equals(Optional.of(s))) {
          return;
        }
        String text = "subject=" + s.subject + "\ncertificate=" + s.certificate + "\nkey=" + s.key
            + "\nrenew-after=" + s.renewAfter + "\nfingerprint=" + s.fingerprint + "\n";
        AtomicFile.write(stampFile(stateDir), text.getBytes(StandardCharsets.UTF_8), MODE);
      } catch (IOException e) {
        LOG.warn("cannot leave the web terminal's certificate stamp in {} (the certificate is checked at every "
            + "start instead): {}", stateDir, Errors.describe(e));
      }
    }

    /** Removes the stamp. Best effort: one left behind names the hashes of files no longer there. */
    static void remove(Path stateDir) {
      try {
        Files.deleteIfExists(stampFile(stateDir));
      } catch (IOException e) {
        LOG.debug("cannot remove the web terminal's certificate stamp: {}", e.toString());
      }
    }

    static Optional<Stamp> read(Path stateDir) {
      try {
        Path file = stampFile(stateDir);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_BYTES) {
          return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (eq < 1 || fields.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
            return Optional.empty();
          }
        }
        if (!fields.keySet().equals(Set.of("subject", "certificate", "key", "renew-after", "fingerprint"))) {
          return Optional.empty();
        }
        return Optional.of(new Stamp(fields.get("subject"), fields.get("certificate"), fields.get("key"),
            Instant.parse(fields.get("renew-after")), fields.get("fingerprint")));
      } catch (IOException | RuntimeException e) { // unreadable, not UTF-8, not a date: check the pair
        LOG.debug("the web terminal's certificate stamp is unusable, checking the certificate: {}", e.toString());
        return Optional.empty();
      }
    }

    boolean vouchesFor(Path stateDir, String cn, Instant now) {
      try {
        return subject.equals(cn) && now.isBefore(renewAfter) && certificate.equals(sha256(certFile(stateDir)))
            && key.equals(sha256(keyFile(stateDir)));
      } catch (IOException e) {
        return false;
      }
    }

    private static String sha256(Path file) throws IOException {
      return HexFormat.of().formatHex(Sha256.of(Files.readAllBytes(file)));
    }
  }
}
