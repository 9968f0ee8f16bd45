package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.TlsIdentity;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
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
 * <p>With the operator's certificate, files of its own left in {@code state/} are removed, so
 * that {@code osmanager web} in another process never shows the fingerprint of a certificate the
 * terminal does not serve.
 */
public final class TerminalCertificate {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalCertificate.class);
  static final String CERT_FILE = Home.TERMINAL_CERTIFICATE;
  static final String KEY_FILE = Home.TERMINAL_KEY;
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
    return renew(stateDir, instance, clock, true, false).identity(); // made when none: never null
  }

  /**
   * What {@link #renew} did (or, in a dry run, would do).
   *
   * @param made whether a new certificate was (or would be) made
   * @param why why it was made, or why the one there is kept (also when there is none to keep)
   * @param identity the one made or the one there, when there is one (never in a dry run)
   */
  public record Renewal(boolean made, String why, TlsIdentity identity) {}

  /**
   * Makes the terminal's own certificate for this instance when the one in {@code stateDir} is
   * for another TAG, unusable or expiring, or when there is none and {@code makeIfNone}; writes
   * key and certificate atomically ({@link TlsIdentity#write}).
   *
   * @param instance the instance: its TAG names the certificate, its names and addresses go into it
   * @param dryRun say what would be done, change nothing
   */
  public static Renewal renew(Path stateDir, WebTerminalSettings.Instance instance, Clock clock, boolean makeIfNone,
      boolean dryRun) throws IOException {
    Path cert = certFile(stateDir);
    Path key = keyFile(stateDir);
    String cn = commonName(instance.tag());
    String why;
    if (!Files.exists(cert) && !Files.exists(key)) {
      if (!makeIfNone) {
        return new Renewal(false, "none in " + stateDir, null);
      }
      why = "none yet";
    } else {
      try {
        TlsIdentity existing = TlsIdentity.read(cert, key);
        why = stale(existing, cn, clock.instant());
        if (why == null) {
          return new Renewal(false, "the one for " + cn + " (SHA-256 " + existing.fingerprint() + ")", existing);
        }
      } catch (IOException e) {
        why = "the one in " + stateDir + " is unusable: " + Errors.reason(e);
      }
    }
    if (dryRun) {
      return new Renewal(true, why, null);
    }
    TlsIdentity made = make(cn, instance, clock.instant());
    Files.createDirectories(stateDir);
    made.write(cert, key);
    LOG.info("made a new certificate for the web terminal ({}): {}, SHA-256 fingerprint {}", why, cn,
        made.fingerprint());
    return new Renewal(true, why, made);
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
    boolean key = Files.deleteIfExists(keyFile(stateDir));
    boolean cert = Files.deleteIfExists(certFile(stateDir));
    if (key || cert) {
      LOG.info("the web terminal serves the operator's certificate: removed its own from {}", stateDir);
    }
  }
}
