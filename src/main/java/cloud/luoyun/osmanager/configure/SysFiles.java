package cloud.luoyun.osmanager.configure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Small file-system checks the steps share. Never follows a symlink it is asked about. */
final class SysFiles {
  /**
   * The first line of every system file configure owns (network files, resolv.conf, the sshd
   * drop-in); a file without it is never touched, and uninstall removes only files that carry it.
   */
  static final String MARK = "# managed by osmanager";
  static final Set<PosixFilePermission> RW_OWNER = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> RWX_OWNER = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
  static final Set<PosixFilePermission> PUBLIC_DIR = PosixFilePermissions.fromString("rwxr-xr-x");

  private SysFiles() {}

  static boolean isLink(Path p) {
    return Files.isSymbolicLink(p);
  }

  static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  static Set<PosixFilePermission> mode(Path p) throws IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
  }

  static int uid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  static int gid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Makes {@code p} (a file or folder, not a link) have exactly {@code mode} and owner
   * {@code uid:gid}.
   *
   * @return true when something had to change
   */
  static boolean ensureOwned(Path p, Set<PosixFilePermission> mode, int uid, int gid, boolean dryRun)
      throws IOException {
    boolean change = false;
    if (uid(p) != uid || gid(p) != gid) {
      change = true;
      if (!dryRun) {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      }
    }
    if (!mode(p).equals(mode)) {
      change = true;
      if (!dryRun) {
        Files.setPosixFilePermissions(p, mode);
      }
    }
    return change;
  }

  /** Refuses a path whose existing parts (below {@code root}) include a symlink we would write through. */
  static void requireNoLink(Path p, String what) throws IOException {
    if (isLink(p)) {
      throw new IOException(what + " is a symbolic link; refusing to write through it");
    }
  }

  /**
   * Whether the shell-style pattern {@code glob} (as sshd's Include and ifupdown's source take it:
   * {@code * ? [...]}, no braces) matches the absolute path {@code path}.
   */
  static boolean globMatches(String glob, String path) {
    try {
      // Java's glob syntax has {a,b} alternation and \ escapes; the shell's patterns here have neither.
      String quoted = glob.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}");
      return FileSystems.getDefault().getPathMatcher("glob:" + quoted).matches(Path.of(path));
    } catch (IllegalArgumentException e) { // PatternSyntaxException, an invalid path
      return false;
    }
  }

  /**
   * In a dry run, what the write it stands for would meet: a file is replaced by a temp file and a
   * rename in its folder, so the folder (or, where it does not exist yet, the nearest one that
   * does) must be writable by this process. A dry run as a user who could not apply the config
   * thus says so instead of "would change".
   *
   * @throws AccessDeniedException naming the folder
   */
  static void checkWritable(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    if (dir != null && !Files.isWritable(dir)) {
      throw new AccessDeniedException(dir.toString(), null,
          "not writable by this user, so " + file.getFileName() + " could not be written");
    }
  }

  /** Whether {@code p} is a regular file (not a link) whose first line starts with the {@link #MARK}. */
  static boolean isOurs(Path p) throws IOException {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (var r = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
      String l = r.readLine();
      return l != null && l.startsWith(MARK);
    }
  }

  static String rel(Context c, Path p) {
    Path root = c.options.root().toAbsolutePath().normalize();
    Path abs = p.toAbsolutePath().normalize();
    return abs.startsWith(root) && !root.equals(abs) ? root.relativize(abs).toString() : abs.toString();
  }
}
