package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A UTF-8 locale this host has while a test runs, as an administrator makes one ({@code
 * localedef}, what {@code locale-gen} runs), in its own folder under {@code /usr/lib/locale}.
 * Made only when the host lacks it, and then removed by {@link #close()}; a locale the host had
 * before stays. Needs root and glibc's locale sources (Debian's {@code locales} package).
 */
final class LocaleFixture implements AutoCloseable {
  private final Path made;

  static boolean available(String name) {
    return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/localedef"))
        && Files.isRegularFile(Path.of("/usr/share/i18n/locales", name));
  }

  /** @param name {@code ll_CC}, e.g. {@code zh_CN}: the locale {@code ll_CC.UTF-8} */
  LocaleFixture(String name) throws Exception {
    if (SshServerFixture.run(List.of("locale", "-a"), null).lines().anyMatch((name + ".utf8")::equals)) {
      made = null;
      return;
    }
    Path dir = HostLocales.LOCALE_DIR.resolve(name + ".utf8");
    try {
      SshServerFixture.run(List.of("localedef", "-i", name, "-f", "UTF-8", "--no-archive", name + ".UTF-8"), null);
    } catch (IOException e) {
      TestFiles.deleteTree(dir);
      throw e;
    }
    made = dir;
  }

  @Override
  public void close() throws IOException {
    if (made != null) {
      TestFiles.deleteTree(made);
    }
  }
}
