package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.install.Installer;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.ImageRoot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osmanager install}: put OS Manager into this system or into an image tree. */
@Command(name = "install", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Put OS Manager into this system, or into an appliance image tree with --root: lays out the home "
            + "(bin/ conf/ log/ state/ build/ custom/www/withcookie/ custom/www/nocookie/ custom/scripts/), copies "
            + "this jar and the bin/osmanager launcher into bin/, writes the systemd units "
            + "osmanager-configure.service (applies the floppy's config at boot, before the network) and "
            + "osmanager.service (the daemon, after the network) and SysV init scripts for images without "
            + "systemd, and enables them.",
        "Nothing under custom/ or build/ is overwritten; an example custom/scripts/status is written only "
            + "where the appliance has none. A second run changes nothing. Prints one line per file.",
        "Exit status: 0 done; 1 a file could not be written; 2 bad option."})
final class InstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
      description = "The system tree to install into: / (this system) or an image tree. Default: ${DEFAULT-VALUE}.")
  Path root;

  @Option(names = "--home", paramLabel = "DIR", defaultValue = "/LuoYun",
      description = "The install layout's top folder, as the image sees it (install --root ./img fills "
          + "./img/LuoYun). Default: ${DEFAULT-VALUE}.")
  Path home;

  @Option(names = "--no-enable",
      description = "Write the units but do not enable them (the .deb's postinst enables them with "
          + "deb-systemd-helper).")
  boolean noEnable;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Installer installer = new Installer(new Installer.Options(new ImageRoot(root), home), line -> {
      out.println(line);
      out.flush();
    });
    installer.install(Installer.runningJar(), !noEnable);
    return ExitStatus.OK;
  }
}
