package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.util.Errors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configurator (the seed's pyosc): takes the config the cloud handed over and applies it to the
 * system, one idempotent step at a time: host name, each account (made when it is a named one that
 * does not exist, its password, its SSH keys), root's password login to the web terminal, NIC
 * addresses, network files, name servers, the terminal certificate and SSH host keys of a new
 * instance ({@link Context#newInstance}), then the appliance's {@code custom/scripts/config}.
 *
 * <p>A failed step does not stop the others. An invalid config stops everything before the first
 * change. With no floppy and no conf there is no config: bad input when run by hand; at boot
 * ({@link Options#beforeNetwork}) one skipped line and exit status 0, so that an appliance booted
 * without a floppy fails no unit. One instance per run; {@link #run} may be called from any
 * thread but not concurrently.
 */
public final class Configurator {
  private static final Logger log = LoggerFactory.getLogger(Configurator.class);
  /** The first line of every system file configure owns; a file without it is never touched. */
  public static final String MARK = SysFiles.MARK;
  /**
   * The files configure writes for osmanager's own sake, as the image sees them: uninstall
   * removes them (when they carry the {@link #MARK}). The network files stay: the instance keeps
   * its addresses.
   */
  public static final List<String> OWN_FILES = List.of(SshdWebLoginStep.FILE);

  /**
   * @param root prefix of every system path ({@code /} on an instance, an image tree otherwise)
   * @param source where to read the config: the floppy device (the default: then, without a
   *     floppy config, the volumes labelled {@code cidata} and {@code config-2} are looked for), or
   *     a floppy image, an ISO or vfat image, a block device, a folder of a seed's files, or a plain
   *     luoyun.ini, told apart by content
   * @param netns run {@code ip} inside this network namespace ({@code ip -n}); empty on an instance
   * @param beforeNetwork run by the boot unit, before any network backend starts: wait for the
   *     config's NICs, leave bringing them up to an enabled backend, and let a boot without any
   *     config pass (see {@link Configurator})
   * @param sources the kinds of source to look for at boot, as the operator set them
   *     ({@code --sources}); empty: every kind, but NoCloud and ConfigDrive only where cloud-init
   *     is absent or disabled. LuoYun's floppy is always read.
   * @param labels where udev names volumes by label ({@code /dev/disk/by-label})
   */
  public record Options(Home home, Path root, Path source, boolean dryRun, Duration scriptTimeout,
      Optional<String> netns, boolean beforeNetwork, Optional<Set<InstanceSpec.Source>> sources, Path labels) {
    public static final Path DEFAULT_SOURCE = Path.of("/dev/fd0");
    public static final Path DEFAULT_LABELS = Path.of("/dev/disk/by-label");
    public static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofMinutes(5);

    public Options {
      Objects.requireNonNull(home);
      Objects.requireNonNull(root);
      Objects.requireNonNull(source);
      Objects.requireNonNull(scriptTimeout);
      Objects.requireNonNull(netns);
      sources = sources.map(Set::copyOf);
      Objects.requireNonNull(labels);
    }

    /** An instance's defaults: root {@code /}, source {@code /dev/fd0}, script limit 5 minutes. */
    public static Options of(Home home) {
      return new Options(home, Path.of("/"), DEFAULT_SOURCE, false, DEFAULT_SCRIPT_TIMEOUT, Optional.empty(), false,
          Optional.empty(), DEFAULT_LABELS);
    }

    public Options withRoot(Path r) {
      return new Options(home, r, source, dryRun, scriptTimeout, netns, beforeNetwork, sources, labels);
    }

    public Options withSource(Path s) {
      return new Options(home, root, s, dryRun, scriptTimeout, netns, beforeNetwork, sources, labels);
    }

    public Options withDryRun(boolean d) {
      return new Options(home, root, source, d, scriptTimeout, netns, beforeNetwork, sources, labels);
    }

    public Options withScriptTimeout(Duration t) {
      return new Options(home, root, source, dryRun, t, netns, beforeNetwork, sources, labels);
    }

    public Options withNetns(String ns) {
      return new Options(home, root, source, dryRun, scriptTimeout, Optional.of(ns), beforeNetwork, sources, labels);
    }

    public Options withBeforeNetwork(boolean b) {
      return new Options(home, root, source, dryRun, scriptTimeout, netns, b, sources, labels);
    }

    /** The operator's {@code --sources}: only these kinds are looked for (LuoYun's floppy always). */
    public Options withSources(Set<InstanceSpec.Source> s) {
      return new Options(home, root, source, dryRun, scriptTimeout, netns, beforeNetwork, Optional.of(s), labels);
    }

    public Options withLabels(Path l) {
      return new Options(home, root, source, dryRun, scriptTimeout, netns, beforeNetwork, sources, l);
    }

    /** Whether {@link #source} is the floppy device by default, so other clouds' volumes are looked for too. */
    boolean discovers() {
      return source.equals(DEFAULT_SOURCE);
    }
  }

  /**
   * The host names and addresses the last config applied from another cloud gave this instance
   * ({@code state/}), which the web terminal answers to besides its own addresses; empty after
   * LuoYun's config, whose names come from the config itself.
   */
  public static List<String> instanceNames(Home home) {
    return InstanceState.names(home.stateDir());
  }

  private final Options options;
  private final CommandRunner runner;
  private final Clock clock;

  public Configurator(Options options) {
    this(options, CommandRunner.system());
  }

  public Configurator(Options options, CommandRunner runner) {
    this(options, runner, Clock.systemDefaultZone());
  }

  Configurator(Options options, CommandRunner runner, Clock clock) {
    this.options = options;
    this.runner = runner;
    this.clock = clock;
  }

  public Report run() throws InterruptedException {
    return run(step -> {});
  }

  /**
   * Runs every step; {@code onStep} sees each line as soon as its step is done. Unless a dry run,
   * the run is recorded in {@code state/configure.json} ({@link RunRecord}) for {@code osmanager status}.
   */
  public Report run(Consumer<StepResult> onStep) throws InterruptedException {
    long start = System.nanoTime();
    Instant at = clock.instant();
    Report report = runSteps(onStep);
    log.info("configure run took {} ms (exit status {})", (System.nanoTime() - start) / 1_000_000, report.exitCode());
    if (!options.dryRun()) {
      record(RunRecord.of(options, report, at));
    }
    return report;
  }

  private void record(RunRecord run) {
    Path file = options.home().stateDir().resolve(RunRecord.FILE);
    try {
      run.write(file);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot record this run in {} ({}): 'osmanager status' will not show it", file, Errors.reason(e));
    }
  }

  private Report runSteps(Consumer<StepResult> onStep) throws InterruptedException {
    ConfigSource.Loaded loaded;
    try {
      loaded = ConfigSource.load(options, runner);
    } catch (ConfigSource.BadInput e) {
      log.warn("config refused: {}", e.getMessage());
      return new Report(List.of(), Optional.of(e.getMessage()));
    } catch (ConfigSource.NoConfig e) {
      return noConfig(e.getMessage(), onStep);
    }
    String from = loaded.spec().source() == InstanceSpec.Source.LUOYUN ? "luoyun.conf" : loaded.spec().source().id() + ":";
    loaded.spec().warnings().forEach(w -> log.warn("{} {}", from, w));
    if (!loaded.spec().notApplied().isEmpty()) {
      log.warn("{} gave keys OS Manager does not apply: {}", loaded.spec().source().id(),
          String.join(", ", loaded.spec().notApplied()));
    }
    loaded.others().forEach(o -> log.info("{}", o));
    List<StepResult> results = new ArrayList<>();
    report(loaded.line(), results, onStep);
    Context c = new Context(loaded.spec(), options, runner);
    results.addAll(applySteps(c, onStep));
    return new Report(results, Optional.empty(), new Report.Origin(Optional.of(loaded.spec().source().id()),
        loaded.others(), loaded.spec().notApplied(), Optional.of(loaded.from())));
  }

  /** Applies every step to {@code c}'s spec; a failed step does not stop the others. */
  List<StepResult> applySteps(Context c, Consumer<StepResult> onStep) throws InterruptedException {
    List<StepResult> results = new ArrayList<>();
    for (Step step : steps(c.spec)) {
      StepResult r;
      long t0 = System.nanoTime();
      try {
        r = step.apply(c);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        log.debug("{} failed", step.name(), e); // the step's line says what and why; the trace for -v
        r = step.failed(c, Errors.describe(e));
      }
      log.debug("{} took {} ms", step.name(), (System.nanoTime() - t0) / 1_000_000);
      report(r, results, onStep);
    }
    return results;
  }

  /**
   * No floppy and no conf. Run by hand, that is bad input (exit 2). At boot it is an appliance
   * started without a floppy (by its builder, say): nothing to do, and no unit may fail for it;
   * the daemon's unit has ConditionPathExists on the conf, so it will not start either.
   */
  private Report noConfig(String what, Consumer<StepResult> onStep) {
    if (!options.beforeNetwork()) {
      log.warn("no config: {}", what);
      return new Report(List.of(), Optional.of("source: " + what));
    }
    List<StepResult> results = new ArrayList<>();
    report(new StepResult(ConfigSource.STEP, Outcome.SKIPPED, what + ": nothing to apply; the daemon "
        + "(osmanager.service) will not start without " + options.home().conf(), options.dryRun()), results, onStep);
    return new Report(results, Optional.empty());
  }

  /**
   * The steps for {@code spec}, in order: the host name first (before anything that may use it:
   * the certificate, the host keys' comments, the appliance's script); for each account (the
   * default user first) making it when it is not root, its password and its keys; root's
   * web-terminal login; the network; the per-instance certificate and host keys; the appliance's
   * script.
   */
  private List<Step> steps(InstanceSpec spec) {
    List<Step> steps = new ArrayList<>();
    steps.add(new HostnameStep());
    for (int i = 0; i < spec.accounts().size(); i++) {
      InstanceSpec.Account a = spec.accounts().get(i);
      if (!a.isRoot()) {
        steps.add(new AccountStep(a, i));
        if (!AccountStep.validName(a.name())) {
          continue; // that step says why; nothing else is done for a name that is none
        }
      }
      steps.add(new PasswordStep(a, clock));
      steps.add(new SshKeysStep(a));
    }
    steps.addAll(List.of(new SshdWebLoginStep(), new NicStep(), new NetworkFilesStep(), new NameServerStep(),
        new TerminalCertificateStep(clock), new HostKeyStep(), new CustomScriptStep()));
    return steps;
  }

  private static void report(StepResult r, List<StepResult> results, Consumer<StepResult> onStep) {
    if (r.outcome() == Outcome.FAILED) {
      log.error("{}", r.line());
    } else {
      log.info("{}", r.line());
    }
    results.add(r);
    onStep.accept(r);
  }
}
