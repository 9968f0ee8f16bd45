package cloud.luoyun.osmanager.configure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the accounts and groups of the system under {@code --root} from its {@code etc/passwd} and
 * {@code etc/group} (the files, as {@code useradd --root} does; not NSS, which would be this
 * machine's). Only reads: accounts are made by {@code useradd} ({@link AccountStep}).
 */
final class Passwd {
  /**
   * A user name useradd takes on every distribution: a lower-case letter or '_', then letters,
   * digits, '_' or '-', 32 at most (Debian's NAME_REGEX, without the trailing '$' of machine
   * accounts). Nothing that could split a passwd line or look like an option.
   */
  static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  /** Larger is not an account list; read no more. */
  private static final int MAX_BYTES = 8 * 1024 * 1024;

  /** One line of etc/passwd. */
  record Entry(String name, int uid, int gid, String home, String shell) {}

  private Passwd() {}

  /** The account named {@code name}, if etc/passwd has it. */
  static Optional<Entry> user(Context c, String name) throws IOException {
    for (String line : lines(c.sys("etc/passwd"))) {
      String[] f = line.split(":", -1);
      if (f.length >= 7 && f[0].equals(name)) {
        try {
          return Optional.of(new Entry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5], f[6]));
        } catch (NumberFormatException e) {
          throw new IOException(SysFiles.rel(c, c.sys("etc/passwd")) + ": " + name + "'s entry has no numeric uid/gid");
        }
      }
    }
    return Optional.empty();
  }

  /** Whether etc/group has the group {@code name}. */
  static boolean groupExists(Context c, String name) throws IOException {
    return lines(c.sys("etc/group")).stream().anyMatch(l -> l.startsWith(name + ":"));
  }

  private static java.util.List<String> lines(Path file) throws IOException {
    SysFiles.requireNoLink(file, file.toString());
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] b = in.readNBytes(MAX_BYTES + 1);
      if (b.length > MAX_BYTES) {
        throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
      }
      return new String(b, StandardCharsets.ISO_8859_1).lines().toList();
    } catch (NoSuchFileException e) {
      return java.util.List.of();
    }
  }
}
