package cloud.luoyun.osmanager.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build time only, never in the jar (pom.xml runs it after compiling, and leaves it out of the
 * shaded jar with picocli-codegen): the bash completion script and the man pages' AsciiDoc, made
 * by picocli's own generators from the command tree {@link Main#commandLine()} builds, since the
 * subcommands are added in code and the annotated class alone knows none of them. Asciidoctor then
 * turns the AsciiDoc into troff; {@code osmanager install} installs both.
 *
 * <p>Asciidoctor (JRuby) takes some 15 s to start, at every build, tests included: so only the
 * pages whose AsciiDoc changed, or whose man page is missing, are handed to it, in a folder of
 * their own; with none, it does not start at all. A page handed over loses its old man page first,
 * so a conversion that fails is done again at the next build.
 *
 * <p>Arguments: {@code ADOC_DIR PENDING_DIR MAN_DIR COMPLETION_FILE}: the AsciiDoc of every page
 * as last converted, the folder Asciidoctor converts, the folder of the man pages (and of
 * {@code pages}, their list for the installer), and the completion script.
 */
final class ManualPages {
  private ManualPages() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: ManualPages ADOC_DIR PENDING_DIR MAN_DIR COMPLETION_FILE");
    }
    Path adoc = Path.of(args[0]);
    Path pending = Path.of(args[1]);
    Path man = Path.of(args[2]);
    CommandLine cl = Main.commandLine();
    // 'osmanager help COMMAND' is --help by another name: no page of its own
    cl.getSubcommands().get("help").getCommandSpec().usageMessage().hidden(true);
    Path fresh = Files.createTempDirectory("osm-man-");
    try {
      int status = ManPageGenerator.generateManPage(fresh.toFile(), null, new boolean[0], true, cl.getCommandSpec());
      if (status != CommandLine.ExitCode.OK) {
        throw new IOException("picocli's ManPageGenerator ended with status " + status);
      }
      Set<String> pages = update(fresh, adoc, pending, man);
      writeIfChanged(man.resolve("pages"), String.join("\n", pages) + "\n");
    } finally {
      for (Path f : list(fresh)) {
        Files.delete(f);
      }
      Files.delete(fresh);
    }
    writeIfChanged(Path.of(args[3]), AutoComplete.bash("osmanager", cl));
  }

  /** Hands Asciidoctor the pages that need it; returns every page's man file name, in order. */
  private static Set<String> update(Path fresh, Path adoc, Path pending, Path man) throws IOException {
    Files.createDirectories(adoc);
    Files.createDirectories(pending);
    Files.createDirectories(man);
    for (Path old : list(pending)) {
      Files.delete(old);
    }
    Set<String> pages = new TreeSet<>();
    for (Path f : list(fresh)) {
      String name = f.getFileName().toString();
      String page = name.substring(0, name.length() - ".adoc".length()) + ".1";
      pages.add(page);
      byte[] text = Files.readAllBytes(f);
      Path kept = adoc.resolve(name);
      if (!Files.isRegularFile(man.resolve(page)) || !Files.isRegularFile(kept)
          || !Arrays.equals(Files.readAllBytes(kept), text)) {
        Files.deleteIfExists(man.resolve(page));
        Files.write(kept, text);
        Files.write(pending.resolve(name), text);
      }
    }
    for (Path f : list(adoc)) { // a command that is gone takes its page along
      String name = f.getFileName().toString();
      String page = name.substring(0, name.length() - ".adoc".length()) + ".1";
      if (!pages.contains(page)) {
        Files.delete(f);
        Files.deleteIfExists(man.resolve(page));
      }
    }
    return pages;
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.adoc")) {
      s.forEach(files::add);
    }
    return files;
  }

  private static void writeIfChanged(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
      return;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, bytes);
  }
}
