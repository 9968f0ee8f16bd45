package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.FloppyWriter;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.ExitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osmanager floppy OUT.img < luoyun.ini}: what a compute node does, for testing images by hand. */
@Command(name = "floppy", mixinStandardHelpOptions = true,
    description = {
        "Write a config floppy image holding luoyun.ini (read from standard input) in the layout a "
            + "LuoYun compute node writes; use it as 'qemu -fda OUT.img' or as 'configure --source OUT.img'.",
        "The layout holds at most " + FloppyWriter.CAPACITY + " bytes; larger input is refused (exit 2). "
            + "The image is written mode 0600: it holds KEY. An invalid config is written anyway, with a "
            + "warning, so images can be tested against bad configs."})
final class FloppyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OUT.img", description = "The image file to write (replaced atomically).")
  Path out;

  /** Overridable in tests; System.in otherwise. */
  InputStream stdin = System.in;

  @Override
  public Integer call() throws IOException {
    byte[] ini = stdin.readNBytes(FloppyWriter.CAPACITY + 1);
    byte[] image;
    try {
      image = FloppyWriter.image(ini, LocalDateTime.now());
    } catch (IOException e) {
      spec.commandLine().getErr().println("luoyun.ini: " + (ini.length > FloppyWriter.CAPACITY
          ? "more than " + FloppyWriter.CAPACITY + " bytes; a config floppy holds at most " + FloppyWriter.CAPACITY
          : ini.length == 0 ? "empty (nothing came on standard input)" : e.getMessage()));
      return ExitStatus.BAD_INPUT;
    }
    try {
      InstanceConfig.parse(ini);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("warning: the config is not valid (" + e.getMessage()
          + "); configure will refuse it");
    }
    AtomicFile.write(out, image, PosixFilePermissions.fromString("rw-------"));
    spec.commandLine().getOut().println("wrote " + out + " (" + ini.length + " bytes of luoyun.ini)");
    return ExitStatus.OK;
  }
}
