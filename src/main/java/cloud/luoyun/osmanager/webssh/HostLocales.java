package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UTF-8 locales this host has, as {@code ll_CC} ({@code zh_CN}, {@code en_US}): what
 * {@code locale -a} lists, which is glibc's own answer whether the locales live in
 * {@code /usr/lib/locale/locale-archive} (Debian's locale-gen, Fedora's langpacks) or in folders
 * beside it. Asked at a login, not at start; asked again only when that folder or the archive
 * has changed (someone ran locale-gen), so a login costs two {@code stat}s.
 *
 * <p>{@code locale} runs with an argument list (no shell) and a time limit. Without it (musl
 * systems may lack it) the set is empty and every shell gets {@code C.UTF-8}. Thread-safe.
 */
final class HostLocales {
  private static final Logger LOG = LoggerFactory.getLogger(HostLocales.class);
  static final Path LOCALE_DIR = Path.of("/usr/lib/locale");
  /** {@code zh_CN.utf8}, {@code en_US.UTF-8}: a language and a country in UTF-8, no {@code @modifier}. */
  private static final Pattern UTF8_LOCALE = Pattern.compile("([a-z]{2,3}_[A-Z]{2})\\.(?:utf8|UTF-8)");

  private final Supplier<List<String>> lister;
  private final List<Path> watched;
  private List<Long> stamp; // guarded by this
  private Set<String> known = Set.of(); // guarded by this

  /** This host's locales, from {@code locale -a}. */
  static HostLocales system() {
    return new HostLocales(HostLocales::localeDashA, List.of(LOCALE_DIR, LOCALE_DIR.resolve("locale-archive")));
  }

  /**
   * @param lister the names of the installed locales, one an element, as {@code locale -a} prints them
   * @param watched files whose change means the list may have changed
   */
  HostLocales(Supplier<List<String>> lister, List<Path> watched) {
    this.lister = lister;
    this.watched = List.copyOf(watched);
  }

  /** The UTF-8 locales, {@code ll_CC}; may run {@code locale -a}, so not on a selector thread. */
  synchronized Set<String> utf8() {
    List<Long> now = stamps();
    if (!now.equals(stamp)) {
      Set<String> found = new HashSet<>();
      for (String name : lister.get()) {
        Matcher m = UTF8_LOCALE.matcher(name.strip());
        if (m.matches()) {
          found.add(m.group(1));
        }
      }
      known = Set.copyOf(found);
      stamp = now;
      LOG.debug("this host has {} UTF-8 locales", known.size());
    }
    return known;
  }

  private List<Long> stamps() {
    return watched.stream().map(HostLocales::modified).toList();
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return -1;
    }
  }

  private static List<String> localeDashA() {
    try {
      Processes.Result r = Processes.run(List.of("locale", "-a"), Duration.ofSeconds(5), Map.of("LC_ALL", "C"), null);
      if (!r.ok()) {
        LOG.warn("locale -a {}; the web terminal's shells get {}", r.timedOut() ? "timed out" : "exited " + r.exitCode(),
            ShellLocale.FALLBACK);
        return List.of();
      }
      return r.output().lines().toList();
    } catch (IOException e) {
      LOG.warn("cannot run locale -a ({}); the web terminal's shells get {}", e.getMessage(), ShellLocale.FALLBACK);
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
