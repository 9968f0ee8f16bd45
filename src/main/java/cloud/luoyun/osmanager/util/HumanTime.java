package cloud.luoyun.osmanager.util;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Times as osmanager writes them, the one way: in files and JSON ISO 8601 with the offset
 * ({@code 2026-11-25T18:58:21+08:00}), for people the same with a space and how long ago
 * ({@code 2026-11-25 18:58:21+08:00 (3 min ago)}), and spans as precise as a person needs
 * ({@code 45 s}, {@code 7 min}, {@code 2 h 5 min}).
 */
public final class HumanTime {
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");

  private HumanTime() {}

  /** ISO 8601 with the offset of this machine's zone ({@code +00:00}, never {@code Z}: as the logs), to the second. */
  public static String iso(Instant t) {
    return ISO.format(t.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneId.systemDefault()));
  }

  /** What {@link #iso} wrote, or empty for anything else (a file from another version, a hand's edit). */
  public static Optional<Instant> parse(Object iso) {
    if (!(iso instanceof String s)) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(s).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** {@code 2026-11-25 18:58:21+08:00 (3 min ago)}, in this machine's zone. */
  public static String at(Instant t, Instant now) {
    String shown = SHOWN.format(t.atZone(ZoneId.systemDefault()));
    Duration ago = Duration.between(t, now);
    return shown + (ago.isNegative() ? " (" + span(ago.negated()) + " from now: the clock was set back)"
        : " (" + span(ago) + " ago)");
  }

  /** {@code 45 s}, {@code 7 min}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
  public static String span(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min";
    }
    if (s < 86400) {
      long m = s % 3600 / 60;
      return s / 3600 + " h" + (m == 0 ? "" : " " + m + " min");
    }
    long h = s % 86400 / 3600;
    return s / 86400 + " d" + (h == 0 ? "" : " " + h + " h");
  }
}
