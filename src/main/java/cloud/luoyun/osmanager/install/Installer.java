package cloud.luoyun.osmanager.install;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.configure.Configurator;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.FileTrees;
import cloud.luoyun.osmanager.util.ImageRoot;
import cloud.luoyun.osmanager.util.Processes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Puts OS Manager into a system or an image tree, and takes it out again (the seed's install
 * steps: /LuoYun/bin, build/, conf/, log/, the scripts). What it writes:
 * <pre>
 * HOME/bin/osmanager.jar, HOME/bin/osmanager    the program and its launcher   (replaced on upgrade)
 * HOME/bin/osmanager.classlist, osmanager.jsa  its class list, and the class-data archive made from it
 * HOME/runtime/                                  a Java runtime, when the jar came with one (the tarball)
 * lib/systemd/system/osmanager-configure.service, osmanager.service               (replaced on upgrade)
 * etc/init.d/osmanager-configure, etc/init.d/osmanager   for images without systemd (replaced on upgrade)
 * usr/share/man/man1/osmanager.1.gz, osmanager-*.1.gz   the man pages, one per command     (replaced on upgrade)
 * usr/share/bash-completion/completions/osmanager      bash completion                  (replaced on upgrade)
 * HOME/conf/ log/ state/ build/ custom/www/withcookie/ custom/www/nocookie/ custom/scripts/   where absent
 * HOME/custom/scripts/status   an example, only where the appliance has none
 * etc/systemd/system/multi-user.target.wants/osmanager*.service   enabling the units (unless told not to)
 * </pre>
 * Nothing under {@code custom/} or {@code build/} is ever overwritten: they belong to the
 * appliance builder. Every file is written atomically and only when its content differs, so a
 * second run changes nothing. {@link #uninstall} removes what install wrote (and the files
 * configure owns for osmanager's sake: the sshd drop-in), and leaves {@code custom/ conf/ build/ log/ state/}; with purge also {@code conf/
 * log/ state/}, never {@code custom/} nor {@code build/}.
 *
 * <p>Each action is reported as one line to the consumer given. One run per instance; not
 * thread-safe.
 */
public final class Installer {
  /** The units, in start order. */
  public static final List<String> UNITS = List.of("osmanager-configure.service", "osmanager.service");
  static final String UNIT_DIR = "lib/systemd/system";
  static final String INIT_DIR = "etc/init.d";
  static final String WANTS_DIR = "etc/systemd/system";
  static final String MAN_DIR = "usr/share/man/man1";
  static final String COMPLETION_DIR = "usr/share/bash-completion/completions";
  /** The classes an instance's life loads, listed at build time; beside the jar. */
  static final String CLASS_LIST = "osmanager.classlist";
  /** A Java runtime beside bin/ (the tarball's, made with jlink): bin/osmanager prefers it. */
  static final String RUNTIME = "runtime";
  /** The class-data archive made from it for the installed Java; bin/osmanager uses it when present. */
  static final String ARCHIVE = "osmanager.jsa";
  private static final Duration ARCHIVE_TIMEOUT = Duration.ofMinutes(3);

  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> EXEC = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> DIR = EXEC;
  /** A home path goes into unit files and shell scripts: only plain path characters. */
  private static final Pattern SAFE_HOME = Pattern.compile("(/[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*)+");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  /**
   * @param root the system or image tree
   * @param home the install layout's top folder as the image sees it ({@code /LuoYun})
   */
  public record Options(ImageRoot root, Path home) {
    public Options {
      Objects.requireNonNull(root);
      Objects.requireNonNull(home);
    }
  }

  private final Options options;
  private final Consumer<String> out;
  private final Home home;

  /** @throws ConfigException when the home is not a plain absolute path ({@code --home}) */
  public Installer(Options options, Consumer<String> out) throws ConfigException {
    this.options = options;
    this.out = out;
    String h = options.home().toString();
    if (!SAFE_HOME.matcher(h).matches() || h.contains("/../") || h.endsWith("/..") || h.contains("/./")
        || h.endsWith("/.")) {
      throw new ConfigException("--home", "must be an absolute path of letters, digits and ._+@- only: \"" + h + "\"");
    }
    this.home = new Home(options.root().resolve(h));
  }

  /** The jar this program runs from, which install copies. */
  public static Path runningJar() throws IOException {
    try {
      Path p = Path.of(Installer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(p) || !p.getFileName().toString().endsWith(".jar")) {
        throw new IOException("install copies the jar it runs from, but this runs from " + p
            + " (run it as: java -jar osmanager.jar install, or bin/osmanager install)");
      }
      return p;
    } catch (URISyntaxException | SecurityException e) {
      throw new IOException("cannot tell which jar this runs from: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // install

  /**
   * Lays everything out; returns normally when every file is in place.
   *
   * @param jar the osmanager jar to copy into {@code bin/}
   * @param enable enable the units (the .deb leaves that to deb-systemd-helper)
   */
  public void install(Path jar, boolean enable) throws IOException, InterruptedException {
    ImageRoot r = options.root();
    if (!Files.isDirectory(r.root())) {
      throw new IOException("--root: no such directory: " + r.root());
    }
    // Every folder outside the home is checked before anything is written.
    Path units = r.writableDir(UNIT_DIR);
    Path init = r.writableDir(INIT_DIR);
    Path man = r.writableDir(MAN_DIR);
    Path completion = r.writableDir(COMPLETION_DIR);
    if (enable && hasSystemd()) {
      for (String unit : UNITS) {
        for (String target : wantedBy(unit)) {
          r.writableDir(wantsDir(target));
        }
      }
    }
    layOutHome();
    Path bin = dir(home.dir().resolve("bin"), DIR);
    copyJar(jar, bin.resolve("osmanager.jar"));
    write(bin.resolve("osmanager"), resource("osmanager.sh"), EXEC);
    Path runtime = jar.toAbsolutePath().getParent().resolveSibling(RUNTIME);
    if (Files.isExecutable(runtime.resolve("bin/java"))) {
      copyRuntime(runtime, home.dir().resolve(RUNTIME));
    }
    Path classList = jar.resolveSibling(CLASS_LIST);
    if (Files.isRegularFile(classList)) {
      if (!Files.isSameFile(classList.getParent(), bin)) {
        write(bin.resolve(CLASS_LIST), Files.readAllBytes(classList), FILE);
      }
      archiveClasses(bin);
    } else {
      out.accept("note: no " + CLASS_LIST + " beside " + jar + ": no class-data archive (each start takes longer)");
    }
    Files.createDirectories(units);
    for (String unit : UNITS) {
      write(units.resolve(unit), template(unit), FILE);
    }
    Files.createDirectories(init);
    for (String script : initScripts()) {
      write(init.resolve(script), template(script + ".init"), EXEC);
    }
    Files.createDirectories(man);
    for (String page : manPages()) {
      write(man.resolve(page + ".gz"), gzip(resource("man/" + page)), FILE);
    }
    Files.createDirectories(completion);
    write(completion.resolve("osmanager"), resource("osmanager.bash-completion"), FILE);
    Path status = home.statusScript();
    if (Files.exists(status, LinkOption.NOFOLLOW_LINKS)) {
      out.accept("kept " + shown(status) + " (the appliance's own)");
    } else {
      write(status, resource("status.example"), EXEC);
    }
    if (enable) {
      enable();
    }
    if (r.isLive() && systemdRunning()) {
      run("systemctl", "daemon-reload");
    }
  }

  private void layOutHome() throws IOException {
    Path parent = home.dir().getParent();
    options.root().writableDir(shown(parent));
    Files.createDirectories(parent);
    dir(home.dir(), DIR);
    dir(home.confDir(), PosixFilePermissions.fromString("rwx------")); // luoyun.conf holds KEY
    dir(home.logDir(), PosixFilePermissions.fromString("rwxr-x---"));
    dir(home.stateDir(), DIR);
    dir(home.buildDir(), DIR);
    dir(home.customDir(), DIR);
    dir(home.wwwWithCookie().getParent(), DIR);
    dir(home.wwwWithCookie(), DIR);
    dir(home.wwwNoCookie(), DIR);
    dir(home.statusScript().getParent(), DIR);
  }

  /** Creates {@code d} with {@code mode} where absent; an existing folder is left as it is. */
  private Path dir(Path d, Set<PosixFilePermission> mode) throws IOException {
    options.root().writableDir(shown(d)); // in an image tree, a link must not lead out of it
    if (!Files.isDirectory(d)) {
      Files.createDirectory(d);
      Files.setPosixFilePermissions(d, mode);
      out.accept("created " + shown(d) + "/");
    }
    return d;
  }

  private void copyJar(Path jar, Path target) throws IOException {
    if (Files.exists(target) && Files.isSameFile(jar, target)) {
      out.accept("unchanged " + shown(target) + " (runs from there)");
      return;
    }
    write(target, Files.readAllBytes(jar), FILE);
  }

  private void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    boolean wrote = AtomicFile.writeIfChanged(target, content, mode);
    boolean modeFixed = !Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS).equals(mode);
    if (modeFixed) {
      Files.setPosixFilePermissions(target, mode); // an older copy (or a hand) changed it
    }
    out.accept((wrote ? "wrote " : modeFixed ? "made mode " + PosixFilePermissions.toString(mode) + " " : "unchanged ")
        + shown(target));
  }

  /**
   * Makes {@code bin/osmanager.jsa}, the class-data archive (AppCDS) of the classes in the class
   * list, for the Java that runs this install: the one bin/osmanager finds. It is valid only for
   * that Java and that jar (path and time), so it is made anew at every install and only on the
   * running system; in an image tree the image's own Java is not this one. Not fatal: without it
   * every start is about 300 ms slower.
   */
  private void archiveClasses(Path bin) throws IOException, InterruptedException {
    Path archive = bin.resolve(ARCHIVE);
    if (!options.root().isLive()) {
      out.accept("note: no class-data archive in an image tree: 'osmanager install' inside the image makes it "
          + "for the image's Java (the .deb's postinst does)");
      return;
    }
    Path jar = bin.resolve("osmanager.jar").toRealPath();
    Path tmp = bin.resolve("." + ARCHIVE + ".new");
    Files.deleteIfExists(tmp);
    String java = javaOfTheLauncher(bin).toString();
    Processes.Result r = Processes.run(List.of(java, "-Xshare:dump", "-XX:+UseSerialGC",
        "-XX:SharedClassListFile=" + bin.resolve(CLASS_LIST), "-XX:SharedArchiveFile=" + tmp, "-cp", jar.toString()),
        ARCHIVE_TIMEOUT);
    if (!r.ok() || !Files.isRegularFile(tmp)) {
      Files.deleteIfExists(tmp);
      out.accept("note: no class-data archive: " + java + " -Xshare:dump "
          + (r.timedOut() ? "timed out" : "exit status " + r.exitCode()) + " (each start takes longer)");
      return;
    }
    Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out.accept("wrote " + shown(archive) + " (class-data archive for " + shown(Path.of(java)) + ")");
  }

  /**
   * The java bin/osmanager will start: the runtime beside bin/ when there is one, else the one
   * running this install (which the launcher found the same way: OSMANAGER_JAVA, JAVA_HOME, PATH).
   */
  private static Path javaOfTheLauncher(Path bin) {
    Path bundled = bin.resolveSibling(RUNTIME).resolve("bin/java");
    return Files.isExecutable(bundled) ? bundled : Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * Copies the runtime tree into the home, replacing an older one only when something differs; the
   * new tree is complete under a temporary name before it takes the old one's place.
   */
  private void copyRuntime(Path from, Path to) throws IOException {
    if (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS) && sameTree(from, to)) {
      out.accept("unchanged " + shown(to) + "/");
      return;
    }
    Path fresh = to.resolveSibling("." + RUNTIME + ".new");
    Path old = to.resolveSibling("." + RUNTIME + ".old");
    removeTree(fresh, false);
    removeTree(old, false);
    copyTree(from, fresh);
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(to, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, to, StandardCopyOption.ATOMIC_MOVE);
    removeTree(old, false);
    out.accept("wrote " + shown(to) + "/ (a Java runtime)");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path d = to.resolve(from.relativize(dir).toString());
        Files.createDirectory(d);
        Files.setPosixFilePermissions(d, Files.getPosixFilePermissions(dir));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path f = to.resolve(from.relativize(file).toString());
        Files.copy(file, f, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** True when both trees hold the same files with the same bytes. */
  private static boolean sameTree(Path a, Path b) throws IOException {
    List<Path> as;
    List<Path> bs;
    try (Stream<Path> sa = Files.walk(a); Stream<Path> sb = Files.walk(b)) {
      as = sa.map(a::relativize).sorted().toList();
      bs = sb.map(b::relativize).sorted().toList();
    }
    if (!as.equals(bs)) {
      return false;
    }
    for (Path rel : as) {
      Path fa = a.resolve(rel.toString());
      Path fb = b.resolve(rel.toString());
      if (Files.isRegularFile(fa, LinkOption.NOFOLLOW_LINKS)
          && (Files.size(fa) != Files.size(fb) || Files.mismatch(fa, fb) != -1)) {
        return false;
      }
    }
    return true;
  }

  /** Enables the units as {@code systemctl enable} would, or the init scripts where systemd is absent. */
  private void enable() throws IOException, InterruptedException {
    ImageRoot r = options.root();
    if (hasSystemd()) {
      for (String unit : UNITS) {
        for (String target : wantedBy(unit)) {
          Path wants = r.writableDir(wantsDir(target));
          Files.createDirectories(wants);
          Path link = wants.resolve(unit);
          Path to = Path.of("/" + UNIT_DIR + "/" + unit);
          if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(to)) {
            out.accept("enabled " + unit + " (already, by " + target + ")");
            continue;
          }
          Files.deleteIfExists(link);
          Files.createSymbolicLink(link, to);
          out.accept("enabled " + unit + " (wanted by " + target + ")");
        }
      }
    } else if (r.isLive() && onPath("update-rc.d")) {
      for (String script : initScripts()) {
        run("update-rc.d", script, "defaults");
        out.accept("enabled " + INIT_DIR + "/" + script + " (update-rc.d)");
      }
    } else {
      out.accept("note: no systemd in " + r.root() + ": enable the init scripts with its init system, e.g. "
          + "update-rc.d osmanager-configure defaults; update-rc.d osmanager defaults");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // uninstall

  /** Removes what {@link #install} wrote; {@code purge} also removes conf/, log/ and state/. */
  public void uninstall(boolean purge) throws IOException, InterruptedException {
    ImageRoot r = options.root();
    if (!Files.isDirectory(r.root())) {
      throw new IOException("--root: no such directory: " + r.root());
    }
    boolean live = r.isLive();
    if (live && systemdRunning()) {
      run("systemctl", "stop", UNITS.get(1));
    } else if (live && Files.isExecutable(r.resolve(INIT_DIR + "/osmanager"))) {
      run(r.resolve(INIT_DIR + "/osmanager").toString(), "stop");
    }
    disable();
    for (String unit : UNITS) {
      remove(r.writableDir(UNIT_DIR).resolve(unit));
    }
    for (String script : initScripts()) {
      remove(r.writableDir(INIT_DIR).resolve(script));
    }
    for (String page : manPages()) {
      remove(r.writableDir(MAN_DIR).resolve(page + ".gz"));
    }
    remove(r.writableDir(COMPLETION_DIR).resolve("osmanager"));
    for (String f : Configurator.OWN_FILES) {
      removeIfMarked(r.resolve(f));
    }
    r.writableDir(options.home().toString());
    Path bin = home.dir().resolve("bin");
    remove(bin.resolve("osmanager"));
    remove(bin.resolve("osmanager.jar"));
    remove(bin.resolve(CLASS_LIST));
    remove(bin.resolve(ARCHIVE));
    removeTree(home.dir().resolve(RUNTIME));
    removeIfEmpty(bin);
    if (purge) {
      for (Path d : List.of(home.confDir(), home.logDir(), home.stateDir())) {
        removeTree(d);
      }
    }
    List<String> kept = new ArrayList<>();
    for (Path d : purge ? List.of(home.customDir(), home.buildDir())
        : List.of(home.customDir(), home.confDir(), home.buildDir(), home.logDir(), home.stateDir())) {
      if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
        kept.add(shown(d) + "/");
      }
    }
    if (!kept.isEmpty()) {
      out.accept("kept " + String.join(" ", kept));
    }
    if (live && systemdRunning()) {
      run("systemctl", "daemon-reload");
    }
  }

  private void disable() throws IOException, InterruptedException {
    ImageRoot r = options.root();
    Path systemDir = r.resolve(WANTS_DIR);
    if (Files.isDirectory(systemDir)) {
      r.writableDir(WANTS_DIR);
      try (DirectoryStream<Path> targets = Files.newDirectoryStream(systemDir, "*.wants")) {
        for (Path wants : targets) {
          for (String unit : UNITS) {
            Path link = wants.resolve(unit);
            if (Files.isSymbolicLink(link)) {
              Files.delete(link);
              out.accept("disabled " + unit + " (" + wants.getFileName() + ")");
            }
          }
        }
      }
    }
    if (r.isLive() && !systemdRunning() && onPath("update-rc.d")) {
      for (String script : initScripts()) {
        if (Files.exists(r.resolve(INIT_DIR + "/" + script))) {
          run("update-rc.d", "-f", script, "remove");
        }
      }
    }
  }

  private void remove(Path p) throws IOException {
    if (Files.deleteIfExists(p)) {
      out.accept("removed " + shown(p));
    }
  }

  /** Removes a file configure wrote, recognised by its first line; anyone else's stays. */
  private void removeIfMarked(Path p) throws IOException {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var in = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
      String first = in.readLine();
      if (first == null || !first.startsWith(Configurator.MARK)) {
        out.accept("kept " + shown(p) + " (not osmanager's: no '" + Configurator.MARK + "' line)");
        return;
      }
    }
    remove(p);
  }

  private void removeIfEmpty(Path d) throws IOException {
    if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
        if (s.iterator().hasNext()) {
          return;
        }
      }
      Files.delete(d);
      out.accept("removed " + shown(d) + "/");
    }
  }

  /** Deletes a folder and everything in it, never following a symbolic link out of it. */
  private void removeTree(Path d) throws IOException {
    removeTree(d, true);
  }

  private void removeTree(Path d, boolean report) throws IOException {
    if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    FileTrees.delete(d); // a link or a file where the folder was: only the link goes, never what it names
    if (report) {
      out.accept("removed " + shown(d) + "/");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the files

  private static String wantsDir(String target) {
    return WANTS_DIR + "/" + target + ".wants";
  }

  private static List<String> initScripts() {
    return UNITS.stream().map(u -> u.substring(0, u.length() - ".service".length())).toList();
  }

  /** The man pages in the jar, made at build time: {@code osmanager.1}, {@code osmanager-configure.1}, ... */
  static List<String> manPages() {
    return new String(resource("man/pages"), StandardCharsets.UTF_8).lines().filter(l -> l.matches("osmanager[a-z-]*\\.1"))
        .toList();
  }

  /**
   * {@code bytes} as {@code gzip -9n} would have them, as Debian installs man pages: no name and
   * no time in the header, so the same page always gives the same file (a second install writes
   * nothing).
   */
  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }

  /** A unit or init script with the home filled in. */
  byte[] template(String name) {
    String text = new String(resource(name), StandardCharsets.UTF_8);
    return text.replace("@HOME@", options.home().toString()).getBytes(StandardCharsets.UTF_8);
  }

  /** The targets a unit's {@code [Install]} section names in {@code WantedBy=}. */
  List<String> wantedBy(String unit) {
    List<String> targets = new ArrayList<>();
    for (String line : new String(template(unit), StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("WantedBy=")) {
        targets.addAll(List.of(line.substring("WantedBy=".length()).trim().split("\\s+")));
      }
    }
    return targets;
  }

  static byte[] resource(String name) {
    try (InputStream in = Installer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean hasSystemd() {
    ImageRoot r = options.root();
    return Files.exists(r.resolve("lib/systemd/systemd")) || Files.exists(r.resolve("usr/lib/systemd/systemd"))
        || (r.isLive() && systemdRunning());
  }

  private static boolean systemdRunning() {
    return Files.isDirectory(Path.of("/run/systemd/system"));
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }

  private void run(String... argv) throws IOException, InterruptedException {
    Processes.Result r = Processes.run(List.of(argv), COMMAND_TIMEOUT);
    if (!r.ok()) {
      throw new IOException(String.join(" ", argv) + ": " + (r.timedOut() ? "timed out"
          : "exit status " + r.exitCode() + ": " + r.output().strip()));
    }
  }

  private String shown(Path p) {
    return options.root().inImage(p);
  }
}
