package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's own {@code custom/scripts/config}, when executable: run last, without a shell,
 * with a time limit (its whole process tree is killed when it is exceeded), its output to the log,
 * its exit status reported. It runs on every configure run (every boot), as the original did; it
 * is the appliance builder's job to make it idempotent. It gets {@code OSM_HOME} and
 * {@code OSM_ROOT} in its environment. A success is reported as {@link Outcome#RAN}, not as a
 * change: whether the script changed anything only it knows.
 */
final class CustomScriptStep implements Step {
  private static final Logger log = LoggerFactory.getLogger(CustomScriptStep.class);

  @Override
  public String name() {
    return "custom-script";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    Path script = c.home().configScript();
    String rel = "custom/scripts/config";
    if (!Files.exists(script)) {
      return skipped(c, "no " + rel);
    }
    if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
      return skipped(c, rel + " is not an executable file");
    }
    if (c.dryRun()) {
      return ran(c, rel);
    }
    Processes.Result r = c.runner.run(List.of(script.toAbsolutePath().toString()), c.options.scriptTimeout(),
        Map.of("OSM_HOME", c.home().dir().toAbsolutePath().toString(),
            "OSM_ROOT", c.options.root().toAbsolutePath().toString()));
    r.output().lines().forEach(line -> log.info("{}: {}", rel, line));
    if (r.timedOut()) {
      return failed(c, rel + " killed after " + c.options.scriptTimeout().toSeconds() + " s");
    }
    if (r.exitCode() != 0) {
      return failed(c, rel + " exited with status " + r.exitCode());
    }
    return ran(c, rel + ", exit status 0");
  }
}
