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

/** {@code osmanager uninstall}: take out what install put in. */
@Command(name = "uninstall", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Take OS Manager out of this system or an image tree: stops and disables the units, removes them, "
            + "the init scripts, bin/osmanager and bin/osmanager.jar, and osmanager's sshd drop-in.",
        "Leaves custom/, build/ (the appliance builder's), conf/, log/ and state/; --purge also removes "
            + "conf/ (the instance config), log/ and state/, never custom/ or build/. The network files "
            + "configure wrote stay, so the instance keeps its addresses.",
        "Exit status: 0 done; 1 something could not be removed; 2 bad option."})
final class UninstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
      description = "The system tree: / (this system) or an image tree. Default: ${DEFAULT-VALUE}.")
  Path root;

  @Option(names = "--home", paramLabel = "DIR", defaultValue = "/LuoYun",
      description = "The install layout's top folder, as the image sees it. Default: ${DEFAULT-VALUE}.")
  Path home;

  @Option(names = "--purge", description = "Also remove conf/, log/ and state/.")
  boolean purge;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Installer installer = new Installer(new Installer.Options(new ImageRoot(root), home), line -> {
      out.println(line);
      out.flush();
    });
    installer.uninstall(purge);
    return ExitStatus.OK;
  }
}
