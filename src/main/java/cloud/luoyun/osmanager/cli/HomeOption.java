package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.Home;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home DIR}, shared by every subcommand that works on an install layout. */
final class HomeOption {
  @Option(names = "--home", paramLabel = "DIR", defaultValue = "/LuoYun",
      description = "Top directory of the install layout (conf/ log/ custom/ build/). Default: ${DEFAULT-VALUE}.")
  Path dir;

  Home home() {
    return new Home(dir);
  }
}
