package cloud.luoyun.osmanager.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One folder of pages ({@code custom/www/withcookie} or {@code custom/www/nocookie}) and the only
 * way a URL path becomes a file in it.
 *
 * <p>Safe by construction, in two independent layers:
 * <ol>
 *   <li>the path is checked as text: it must be the decoded, canonical path Jetty produced (Jetty
 *       already refuses encoded separators, encoded dots and {@code ..} above the root), and must
 *       contain no control character, NUL, backslash or '%' (a '%' left after decoding means a
 *       double encoding), and no segment that starts with a dot ({@code ..}, {@code .}, and hidden
 *       files such as {@code .git});</li>
 *   <li>the file's real path (every symbolic link followed) must then lie inside the real path
 *       of the folder, and the file must be a regular file. A symbolic link that stays in
 *       the folder works; one that points out is "not found".</li>
 * </ol>
 * A directory gives its {@code index.html}. There are no listings.
 *
 * <p>What a path led to is remembered for a {@link Recheck} interval (a second), for at most
 * {@link #MAX_REMEMBERED} paths: a page asked for again within it costs no {@code lstat}. A lookup
 * so remembered says it was ({@link Lookup.File#recalled()}); before a file is read from disk the
 * caller looks it up {@linkplain #lookupNow now}, so what is read was checked a moment before,
 * never a second before.
 *
 * <p>Thread-safe.
 */
final class SiteFolder {
  static final String INDEX = "index.html";
  static final int MAX_PATH_CHARS = 1024;

  /** A request path resolved to a file inside the folder. */
  record Found(Path file, BasicFileAttributes attributes) {
    boolean isHtml() {
      return isHtmlName(file.getFileName().toString());
    }
  }

  /** The outcome of a lookup: a file, a directory asked for without its trailing slash, or nothing. */
  sealed interface Lookup permits Lookup.File, Lookup.AddSlash, Lookup.NotFound {
    /** @param recalled remembered from a lookup up to a {@link Recheck} interval ago, not made now */
    record File(Found found, boolean recalled) implements Lookup {}

    record AddSlash() implements Lookup {}

    record NotFound() implements Lookup {}
  }

  private static final Lookup NOT_FOUND = new Lookup.NotFound();

  /** Paths whose lookup is remembered at once; more than an appliance's site has. */
  static final int MAX_REMEMBERED = 512;

  private record Root(Path real, long until) {}

  private record Remembered(Lookup lookup, long until) {}

  private final Path folder;
  private final Recheck recheck;
  private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();
  private volatile Root root;

  SiteFolder(Path folder, Recheck recheck) {
    this.folder = folder;
    this.recheck = recheck;
  }

  /**
   * The folder's real path, resolved again once per {@link Recheck} interval: it changes only
   * when the appliance builder moves folders around. Every lookup still checks the folder itself
   * (a link put in its place is resolved and refused) and every name below it, and resolves any
   * path through a link whole ({@link #inside}).
   */
  private Path realRoot(long now) throws IOException {
    Root r = root;
    if (r == null || Recheck.due(now, r.until())) {
      r = new Root(folder.toRealPath(), recheck.believedUntil(now));
      root = r;
    }
    return r.real();
  }

  /** How many paths' lookups are remembered now. */
  int remembered() {
    return remembered.size();
  }

  Path folder() {
    return folder;
  }

  /** True when the folder exists and holds an {@code index.html}: the appliance has its own pages. */
  boolean hasIndex() {
    return Files.isRegularFile(folder.resolve(INDEX));
  }

  /**
   * Looks up a decoded request path such as {@code /}, {@code /index.html}, {@code /img/a.png}, or
   * recalls what it led to less than a {@link Recheck} interval ago. Never throws for bad input:
   * anything doubtful is {@link Lookup.NotFound}.
   */
  Lookup lookup(String path) {
    if (!isSafeText(path)) {
      return NOT_FOUND;
    }
    long now = recheck.now();
    Remembered r = remembered.get(path);
    if (r != null && !Recheck.due(now, r.until())) {
      return r.lookup();
    }
    return lookupNow(path, now);
  }

  /** Looks up {@code path} on disk now, and remembers the outcome. */
  Lookup lookupNow(String path) {
    return isSafeText(path) ? lookupNow(path, recheck.now()) : NOT_FOUND;
  }

  private Lookup lookupNow(String path, long now) {
    Lookup found = walk(path, now);
    if (remembered.size() >= MAX_REMEMBERED) {
      remembered.clear(); // a crawl of a bigger folder: start over rather than keep an order
    }
    Lookup recalled = found instanceof Lookup.File f ? new Lookup.File(f.found(), true) : found;
    remembered.put(path, new Remembered(recalled, recheck.believedUntil(now)));
    return found;
  }

  private Lookup walk(String path, long now) {
    try {
      Path root = realRoot(now);
      Path candidate = root;
      for (String segment : path.split("/")) {
        if (!segment.isEmpty()) {
          candidate = candidate.resolve(segment);
        }
      }
      Real real = inside(root, candidate);
      if (real == null) {
        return NOT_FOUND;
      }
      if (real.attributes().isDirectory()) {
        if (!path.endsWith("/")) {
          return new Lookup.AddSlash();
        }
        real = inside(root, real.path().resolve(INDEX));
        if (real == null) {
          return NOT_FOUND;
        }
      }
      if (!real.attributes().isRegularFile()) {
        return NOT_FOUND;
      }
      return new Lookup.File(new Found(real.path(), real.attributes()), false);
    } catch (IOException | SecurityException | java.nio.file.InvalidPathException e) {
      return NOT_FOUND;
    }
  }

  /** A file's real path and its attributes (of the file itself, not of what a link points to). */
  private record Real(Path path, BasicFileAttributes attributes) {}

  /**
   * {@code candidate}'s real path and attributes when it exists and lies inside {@code root}, else
   * null. {@code candidate} is {@code root} and plain names below it (no {@code .}, {@code ..} or
   * empty segment: {@link #isSafeText}), and {@code root} is a real path, so when no name below it
   * is a symbolic link the candidate is its own real path: one {@code lstat} per name tells, where
   * resolving the real path costs a {@code readlink} for every component from {@code /} down
   * (~15 system calls per page, a fifth of the page server's time). Only a path through a link is
   * resolved whole and checked.
   */
  private static Real inside(Path root, Path candidate) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Path walked = root;
      for (Path name : root.relativize(candidate)) {
        if (a.isSymbolicLink() || !a.isDirectory()) {
          break;
        }
        walked = walked.resolve(name);
        a = Files.readAttributes(walked, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      }
      if (walked.equals(candidate) && !a.isSymbolicLink()) {
        return new Real(candidate, a);
      }
      Path real = candidate.toRealPath();
      if (!real.startsWith(root)) {
        return null;
      }
      return new Real(real, Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (java.nio.file.FileSystemException e) {
      return null; // no such file, not a directory, ELOOP, EACCES and the like
    }
  }

  static boolean isSafeText(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH_CHARS) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' || (c >= 0x80 && c < 0xa0)
          || c == '\ufffd') {
        return false;
      }
      if (c == '.' && path.charAt(i - 1) == '/') {
        return false; // a segment that starts with a dot: ".", "..", ".hidden"
      }
    }
    return true;
  }

  static boolean isHtmlName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".html") || n.endsWith(".htm");
  }
}
