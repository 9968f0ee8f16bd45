package cloud.luoyun.osmanager.webssh;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Single-use tickets for downloads: the page gets one over its files socket (which its session
 * token opened) and puts it in the download's URL, so the browser's own download manager can
 * fetch the file while the session token never appears in a URL. A ticket is valid for
 * {@link #VALID_NANOS}, from the client address that asked for it, for the terminal session that
 * asked, once: {@link #redeem} removes it whatever the answer.
 *
 * <p>Thread-safe. Bounded: at most {@link #MAX_OPEN} tickets wait; the oldest go first.
 */
final class DownloadTickets {
  static final long VALID_NANOS = 30_000_000_000L;
  static final int MAX_OPEN = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a ticket lets its holder fetch, and on whose behalf. */
  record Ticket(BooleanSupplier live, RemoteFiles files, InetAddress client, String user, String path, long issued) {}

  private final LongSupplier nanoClock;
  private final Map<String, Ticket> open = new LinkedHashMap<>(); // guarded by this; oldest first

  DownloadTickets(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * A new ticket for {@code path}: 32 random bytes, base64url.
   *
   * @param live whether the login that asked is still there (its session's shell and SFTP channel)
   */
  synchronized String issue(BooleanSupplier live, RemoteFiles files, InetAddress client, String user, String path) {
    expire();
    while (open.size() >= MAX_OPEN) {
      Iterator<String> oldest = open.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    open.put(id, new Ticket(live, files, client, user, path, nanoClock.getAsLong()));
    return id;
  }

  /**
   * The ticket {@code id}, if it is open, not expired, presented from the address it was issued
   * to, and its session still has the shell it had. Removed in any case: a ticket is tried once.
   */
  synchronized Optional<Ticket> redeem(String id, InetAddress from) {
    expire();
    Ticket t = id == null ? null : open.remove(id);
    if (t == null || !t.client().equals(from) || !t.live().getAsBoolean()) {
      return Optional.empty();
    }
    return Optional.of(t);
  }

  private void expire() {
    long now = nanoClock.getAsLong();
    open.values().removeIf(t -> now - t.issued() > VALID_NANOS);
  }

  synchronized int size() {
    return open.size();
  }
}
