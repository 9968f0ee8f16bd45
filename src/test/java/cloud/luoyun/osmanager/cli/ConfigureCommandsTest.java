package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.config.FloppyReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The configure and floppy commands as an operator calls them: options, exit status, output. */
class ConfigureCommandsTest {
  @TempDir Path tmp;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(InputStream stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(stdin);
    try {
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      return cl.execute(args);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void floppyWritesAPrivateImageThatReadsBackAsItsInput() throws Exception {
    byte[] ini = Files.readAllBytes(TestFiles.vector("luoyun.ini"));
    Path img = tmp.resolve("cfg.img");

    int status = run(new ByteArrayInputStream(ini), "floppy", img.toString());

    assertThat(status).isZero();
    assertThat(FloppyReader.read(img)).isEqualTo(ini);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(img))).isEqualTo("rw-------");
    assertThat(out.toString()).isEqualTo("wrote " + img + " (779 bytes of luoyun.ini)\n");
  }

  @Test
  void floppyRefusesMoreThanTheLayoutHoldsAndWritesNothing() {
    Path img = tmp.resolve("big.img");

    int status = run(new ByteArrayInputStream(new byte[3585]), "floppy", img.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("luoyun.ini: more than 3584 bytes; a config floppy holds at most 3584\n");
    assertThat(img).doesNotExist();
  }

  @Test
  void floppyWarnsAboutAnInvalidConfigButWritesIt() {
    Path img = tmp.resolve("bad.img");

    int status = run(new ByteArrayInputStream("TAG=x\nKEY=k\n".getBytes()), "floppy", img.toString());

    assertThat(status).isZero();
    assertThat(err.toString()).startsWith("warning: the config is not valid (TAG: not an int32");
    assertThat(img).exists();
  }

  @Test
  void configureRefusesABadConfigWithOneLineNamingTheFieldAndExitStatus2() throws Exception {
    Path ini = tmp.resolve("luoyun.ini");
    Files.writeString(ini, "TAG=7\nKEY=k\nJSON={\"network\": [{\"ip\": \"10.0.0.5; reboot\"}]}\n");
    Files.createDirectories(tmp.resolve("root/etc"));

    int status = run(InputStream.nullInputStream(), "configure", "--home", tmp.resolve("home").toString(),
        "--root", tmp.resolve("root").toString(), "--source", ini.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("network[0].ip: not an IPv4 address: \"10.0.0.5; reboot\"\n");
    assertThat(out.toString()).isEmpty();
    assertThat(tmp.resolve("home/conf/luoyun.conf")).doesNotExist();
  }

  @Test
  void configureWithAMissingImageFileIsBadInput() {
    int status = run(InputStream.nullInputStream(), "configure", "--home", tmp.toString(),
        "--source", tmp.resolve("nope.img").toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("source: no such file: " + tmp.resolve("nope.img") + "\n");
  }

  @Test
  void configureHelpNamesEveryOptionOfTheContract() {
    int status = run(InputStream.nullInputStream(), "configure", "--help");

    assertThat(status).isZero();
    assertThat(out.toString()).contains("--home=DIR", "--root=DIR", "--source=PATH", "--dry-run", "--before-network",
        "/dev/fd0");
  }
}
