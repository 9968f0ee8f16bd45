package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.FloppyReader;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Errors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step: where the config comes from (SPEC §3). Reads luoyun.ini from the source; when
 * it is valid and differs from {@code conf/luoyun.conf}, replaces that file atomically, mode 0600
 * (it holds KEY and the password hash). A missing floppy device gets the floppy driver loaded
 * and up to {@link #DEVICE_WAIT} to appear; with no floppy at all the existing conf is used, and
 * with neither there is no config ({@link NoConfig}). An invalid luoyun.ini is refused before
 * anything is written.
 */
final class ConfigSource {
  private static final Logger log = LoggerFactory.getLogger(ConfigSource.class);
  static final String STEP = "config";
  /**
   * How long a floppy device may take to appear after {@code modprobe floppy}: the driver probes
   * the controller, which takes a while on an emulated CPU (QEMU without KVM). Bounded, because an
   * appliance booted by its builder has no floppy at all.
   */
  static final Duration DEVICE_WAIT = Duration.ofSeconds(10);

  /** The source or the config is unusable: one line naming what. */
  static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message, null, false, false);
    }
  }

  /** No floppy and no conf/luoyun.conf either: no config at all. The message says which device and file. */
  static final class NoConfig extends Exception {
    private static final long serialVersionUID = 1L;

    NoConfig(String message) {
      super(message, null, false, false);
    }
  }

  record Loaded(InstanceConfig config, StepResult line) {}

  private ConfigSource() {}

  static Loaded load(Configurator.Options o, CommandRunner runner) throws BadInput, NoConfig, InterruptedException {
    Path src = o.source();
    Path conf = o.home().conf();
    byte[] ini = null;
    String noFloppy = null;
    if (!Files.exists(src) && src.toAbsolutePath().startsWith("/dev/")) {
      waitForDevice(src, runner, o.dryRun());
    }
    try {
      ini = FloppyReader.read(src);
    } catch (NoSuchFileException e) {
      if (!src.toAbsolutePath().startsWith("/dev/")) {
        throw new BadInput("source: no such file: " + src);
      }
      noFloppy = "no floppy device " + src;
    } catch (FloppyReader.NoMediumException e) {
      noFloppy = "no floppy in " + src;
    } catch (IOException e) {
      throw new BadInput("source: " + Errors.describe(e));
    }
    if (ini == null) {
      if (!Files.isRegularFile(conf)) {
        throw new NoConfig(noFloppy + " and no " + conf);
      }
      InstanceConfig config = parse(() -> InstanceConfig.load(conf));
      return new Loaded(config, new StepResult(STEP, Outcome.UNCHANGED,
          noFloppy + "; keeping " + conf, o.dryRun()));
    }
    byte[] bytes = ini;
    InstanceConfig config = parse(() -> InstanceConfig.parse(bytes));
    try {
      return new Loaded(config, store(o, conf, ini, src));
    } catch (IOException e) {
      return new Loaded(config, new StepResult(STEP, Outcome.FAILED,
          "cannot write " + Errors.describe(e) + "; applying the config from " + src, o.dryRun()));
    }
  }

  /**
   * Replaces the conf with the floppy's bytes, narrowing its mode to 0600 first. A symbolic link
   * is refused before anything is read or changed through it: chmod follows links, so narrowing
   * first would change the mode of whatever file the link names.
   */
  private static StepResult store(Configurator.Options o, Path conf, byte[] ini, Path src) throws IOException {
    SysFiles.requireNoLink(conf, conf.toString());
    boolean same = Files.isRegularFile(conf) && Arrays.equals(Files.readAllBytes(conf), ini);
    boolean modeOk = !Files.isRegularFile(conf) || SysFiles.mode(conf).equals(SysFiles.RW_OWNER);
    if (same && modeOk) {
      return new StepResult(STEP, Outcome.UNCHANGED, conf + " matches " + src, o.dryRun());
    }
    if (o.dryRun()) {
      SysFiles.checkWritable(conf);
    } else {
      Files.createDirectories(conf.getParent());
      if (!modeOk) {
        Files.setPosixFilePermissions(conf, SysFiles.RW_OWNER); // narrow first: never readable with the new KEY
      }
      if (!same) {
        AtomicFile.write(conf, ini, SysFiles.RW_OWNER);
      }
    }
    return new StepResult(STEP, Outcome.CHANGED, same ? conf + " made mode 0600"
        : conf + (o.dryRun() ? " would be replaced from " : " replaced from ") + src, o.dryRun());
  }

  private static void waitForDevice(Path device, CommandRunner runner, boolean dryRun) throws InterruptedException {
    if (dryRun) {
      return;
    }
    try {
      var r = runner.run(List.of("modprobe", "floppy"), Duration.ofSeconds(10), Map.of());
      if (!r.ok()) {
        log.info("modprobe floppy: {}", r.output().strip());
        return;
      }
    } catch (IOException e) {
      log.info("cannot run modprobe: {}", e.getMessage());
      return;
    }
    long deadline = System.nanoTime() + DEVICE_WAIT.toNanos();
    while (!Files.exists(device) && System.nanoTime() - deadline < 0) {
      Thread.sleep(100);
    }
  }

  private interface Parse {
    InstanceConfig get() throws ConfigException, IOException;
  }

  private static InstanceConfig parse(Parse p) throws BadInput {
    try {
      InstanceConfig config = p.get();
      ApplyChecks.check(config); // before conf is replaced: a refused config is not stored either
      return config;
    } catch (ConfigException e) {
      throw new BadInput(e.getMessage());
    } catch (IOException e) {
      throw new BadInput("luoyun.conf: " + e.getMessage());
    }
  }
}
