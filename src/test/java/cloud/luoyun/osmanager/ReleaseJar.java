package cloud.luoyun.osmanager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The jar of an earlier release, built from its commit in this clone's history, for tests that
 * upgrade an instance configured by it. Built once and kept in {@code target/} as
 * {@code osmanager-VERSION-COMMIT.jar}; {@code mvn clean} removes it.
 *
 * <p>The commit is named by its id, not its tag: CI works on a fresh clone of main, which may
 * carry no tags. It is extracted with {@code git archive} into a temp folder under {@code target/}
 * and packaged there by Maven ({@code package -DskipTests}) with the local repository this build
 * uses, so nothing is fetched twice; that build runs npm for xterm.js as ours does. The folder is
 * removed afterwards, also when the build fails.
 */
public final class ReleaseJar {
  /** A release build takes about four minutes on a shared two-core machine. */
  private static final long BUILD_MINUTES = 20;

  private ReleaseJar() {}

  /**
   * The jar of {@code version}, built from {@code commit} unless built before.
   *
   * @throws IllegalStateException when the commit is not in this clone (a shallow clone), or the
   *     build fails: with what to do, or the end of Maven's output
   */
  public static synchronized Path of(String version, String commit) throws IOException, InterruptedException {
    Path target = Path.of(System.getProperty("osm.target", "target")).toAbsolutePath();
    Path jar = target.resolve("osmanager-" + version + "-" + commit + ".jar");
    if (Files.isRegularFile(jar)) {
      return jar;
    }
    Path repo = Path.of("").toAbsolutePath();
    if (run(repo, null, List.of("git", "cat-file", "-e", commit + "^{commit}")) != 0) {
      throw new IllegalStateException("release " + version + " is commit " + commit + ", which is not in the history "
          + "of " + repo + " (a shallow clone?): fetch the whole history (git fetch --unshallow) to build it");
    }
    Files.createDirectories(target);
    Path work = Files.createTempDirectory(target, "release-" + version + "-");
    try {
      Path tar = work.resolve("source.tar");
      Path src = Files.createDirectory(work.resolve("src"));
      Path log = work.resolve("build.log");
      check(run(repo, log, List.of("git", "archive", "--format=tar", "-o", tar.toString(), commit)), "git archive", log);
      check(run(repo, log, List.of("tar", "-xf", tar.toString(), "-C", src.toString())), "tar", log);
      check(run(src, log, List.of(System.getProperty("osm.mvn", "mvn"), "-B", "-q",
          "-Dmaven.repo.local=" + System.getProperty("osm.m2repo", System.getProperty("user.home") + "/.m2/repository"),
          "package", "-DskipTests")), "mvn package of " + version + " (" + commit + ")", log);
      Path built = src.resolve("target/osmanager.jar");
      Path part = Files.copy(built, work.resolve(jar.getFileName()));
      return Files.move(part, jar, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      TestFiles.deleteTree(work);
    }
  }

  private static int run(Path dir, Path log, List<String> argv) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    if (!p.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(String.join(" ", argv) + ": still running after " + BUILD_MINUTES + " minutes");
    }
    return p.exitValue();
  }

  private static void check(int status, String what, Path log) throws IOException {
    if (status != 0) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      throw new IllegalStateException(what + " exited with " + status + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    }
  }
}
