package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.FloppyReader;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import cloud.luoyun.osmanager.config.cloud.ConfigDrive;
import cloud.luoyun.osmanager.config.cloud.NoCloud;
import cloud.luoyun.osmanager.config.seed.SeedVolume;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.ImageRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step: where the config comes from, and what it says, as an {@link InstanceSpec}.
 *
 * <p>At boot (the source is the floppy device, the default), in this order: LuoYun's floppy
 * (SPEC §3; a missing device gets the floppy driver loaded and up to {@link #DEVICE_WAIT} to
 * appear); then a NoCloud volume labelled {@code cidata}/{@code CIDATA}; then a ConfigDrive labelled
 * {@code config-2}/{@code CONFIG-2}, both found by label as udev names them (waiting up to
 * {@link #LABEL_WAIT} where a CD-ROM drive is present), read without mounting (ISO9660 or vfat).
 * NoCloud and ConfigDrive are looked for only where cloud-init is absent or disabled, unless the
 * operator's {@code --sources} names them ({@link CloudInitPresence}). Given a path, the kind is
 * told by content: a floppy image or plain luoyun.ini, an ISO or vfat image, a block device, or a
 * folder of a seed's files.
 *
 * <p>A valid LuoYun config that differs from {@code conf/luoyun.conf} replaces that file
 * atomically, mode 0600 (it holds KEY and the password hash). Another cloud's files are kept in
 * {@code conf/nocloud} or {@code conf/configdrive} ({@link SeedCopy}), and a LuoYun conf left from
 * before moves aside to {@code conf/luoyun.conf.previous}: the instance now runs on the other cloud's
 * config, without a controller. With no source at all, the config in {@code conf/} is applied
 * again; with none there either, there is no config ({@link NoConfig}). An invalid config is
 * refused before anything is written.
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
  /** How long a CD-ROM's label may take to appear (udev reads the disc once the drive reports it). */
  static final Duration LABEL_WAIT = Duration.ofSeconds(5);
  /** The labels of each kind of volume, as producers write them. */
  static final Map<Source, List<String>> LABELS = Map.of(
      Source.NOCLOUD, List.of("cidata", "CIDATA"),
      Source.CONFIGDRIVE, List.of("config-2", "CONFIG-2"));
  /** The LuoYun conf a switch to another cloud's config leaves behind, for the operator. */
  static final String PREVIOUS_CONF = "luoyun.conf.previous";

  /** The source or the config is unusable: one line naming what. */
  static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message, null, false, false);
    }
  }

  /** No source and no config in conf/ either: no config at all. The message says which device and file. */
  static final class NoConfig extends Exception {
    private static final long serialVersionUID = 1L;

    NoConfig(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param line the step's line: where the config came from and what became of conf/
   * @param others why each other kind of source was not used (one line each, for the log and status)
   * @param from what the config was read from: the floppy, the volume (with its label), or conf/
   */
  record Loaded(InstanceSpec spec, StepResult line, List<String> others, String from) {}

  private ConfigSource() {}

  static Loaded load(Configurator.Options o, CommandRunner runner) throws BadInput, NoConfig, InterruptedException {
    Path src = o.source();
    boolean device = src.toAbsolutePath().startsWith("/dev/");
    if (!o.discovers() && !(device && !Files.exists(src))) {
      return fromPath(o, src);
    }
    List<String> others = new ArrayList<>();
    Optional<byte[]> ini = floppy(o, src, runner, others);
    if (ini.isPresent()) {
      return luoyun(o, ini.get(), src, others);
    }
    Set<Source> wanted = o.discovers() ? wanted(o, others) : EnumSet.noneOf(Source.class);
    Optional<Path> volume = findVolume(o, wanted, others);
    if (volume.isPresent()) {
      return fromPath(o, volume.get(), others);
    }
    return inConf(o, others);
  }

  // ---------------------------------------------------------------------------------------------
  // where

  /** luoyun.ini from the floppy device; empty, with the reason in {@code others}, when there is none. */
  private static Optional<byte[]> floppy(Configurator.Options o, Path src, CommandRunner runner, List<String> others)
      throws BadInput, InterruptedException {
    if (!Files.exists(src)) {
      waitForDevice(src, runner, o.dryRun());
    }
    try {
      return Optional.of(FloppyReader.read(src));
    } catch (NoSuchFileException e) {
      others.add("no floppy device " + src);
    } catch (FloppyReader.NoMediumException e) {
      others.add("no floppy in " + src);
    } catch (IOException e) {
      throw new BadInput("source: " + Errors.describe(e));
    }
    return Optional.empty();
  }

  /** The kinds of other clouds' volumes to look for: the operator's, else all unless cloud-init is active. */
  private static Set<Source> wanted(Configurator.Options o, List<String> others) {
    Set<Source> kinds = EnumSet.of(Source.NOCLOUD, Source.CONFIGDRIVE);
    if (o.sources().isPresent()) {
      kinds.retainAll(o.sources().get());
      for (Source s : EnumSet.complementOf(EnumSet.copyOf(o.sources().get()))) {
        if (s != Source.LUOYUN) {
          others.add(s.id() + ": not looked for (--sources " + ids(o.sources().get()) + ")");
        }
      }
      return kinds;
    }
    Optional<String> cloudInit = CloudInitPresence.active(new ImageRoot(o.root()), Path.of("/proc/cmdline"));
    if (cloudInit.isPresent()) {
      others.add("nocloud, configdrive: left to cloud-init: " + cloudInit.get()
          + "; set --sources luoyun,nocloud,configdrive in /etc/default/osmanager to apply them here");
      return EnumSet.noneOf(Source.class);
    }
    return kinds;
  }

  /** The first volume of the wanted kinds, by label, in {@link Source} order. */
  private static Optional<Path> findVolume(Configurator.Options o, Set<Source> wanted, List<String> others)
      throws InterruptedException {
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    long deadline = System.nanoTime() + LABEL_WAIT.toNanos();
    boolean cdrom = !o.dryRun() && hasCdromDrive();
    while (true) {
      for (Source kind : wanted) {
        for (String label : LABELS.get(kind)) {
          Path p = o.labels().resolve(label);
          if (Files.exists(p)) {
            return Optional.of(p);
          }
        }
      }
      if (!cdrom || System.nanoTime() - deadline > 0) {
        break;
      }
      Thread.sleep(100);
    }
    for (Source kind : wanted) {
      others.add(kind.id() + ": no volume labelled " + String.join(" or ", LABELS.get(kind)) + " in " + o.labels());
    }
    return Optional.empty();
  }

  private static boolean hasCdromDrive() {
    try (var drives = Files.newDirectoryStream(Path.of("/sys/class/block"), "sr*")) {
      return drives.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // what

  private static Loaded fromPath(Configurator.Options o, Path src) throws BadInput {
    return fromPath(o, src, new ArrayList<>());
  }

  /** A path given or found: told apart by content. */
  private static Loaded fromPath(Configurator.Options o, Path src, List<String> others) throws BadInput {
    if (!Files.exists(src)) {
      throw new BadInput("source: no such file: " + src);
    }
    SeedVolume opened = null;
    try {
      opened = SeedVolume.open(src);
    } catch (IOException e) {
      // not a volume SeedVolume reads: a plain luoyun.ini, or a floppy image FloppyReader reads
    }
    try (SeedVolume volume = opened) {
      if (volume == null || volume.kind() == SeedVolume.Kind.VFAT) {
        // a FAT floppy (also the compute node's truncated image) or a plain luoyun.ini; a vfat seed
        // has no luoyun.ini and is read as a volume below
        try {
          return luoyun(o, FloppyReader.read(src), src, others);
        } catch (IOException e) {
          if (volume == null) {
            throw new BadInput("source: " + Errors.describe(e));
          }
        }
      }
      Optional<byte[]> ini = volume.read(FloppyReader.FILE_NAME, FloppyReader.MAX_CONFIG_BYTES);
      if (ini.isPresent()) {
        return luoyun(o, ini.get(), src, others);
      }
      String name = src + volume.label().map(l -> " (" + l + ")").orElse("");
      SeedCopy files = new SeedCopy(volume, name);
      Source kind;
      InstanceSpec spec;
      List<String> top = volume.list("");
      if (has(top, "openstack")) {
        kind = Source.CONFIGDRIVE;
        spec = check(() -> ConfigDrive.read(files));
      } else if (has(top, "meta-data") || has(top, "user-data")) {
        kind = Source.NOCLOUD;
        spec = check(() -> NoCloud.read(files));
      } else {
        throw new BadInput("source: " + name + " holds no luoyun.ini, no meta-data or user-data (NoCloud) and no "
            + "openstack/ folder (ConfigDrive)");
      }
      return other(o, kind, spec, files, name, others);
    } catch (IOException e) {
      throw new BadInput("source: " + Errors.describe(e));
    }
  }

  /** Whether the top folder holds {@code name} (as an ISO's primary names spell it too: {@code meta_data}). */
  private static boolean has(List<String> top, String name) {
    return top.contains(name) || top.contains(name.replace('-', '_'));
  }

  /** No source now: the config kept in conf/ from an earlier boot, applied again. */
  private static Loaded inConf(Configurator.Options o, List<String> others) throws BadInput, NoConfig {
    Home home = o.home();
    Optional<Source> kept = home.configSource();
    if (kept.isEmpty()) {
      throw new NoConfig(String.join("; ", others) + " and no " + home.conf());
    }
    String why = String.join("; ", others);
    if (kept.get() == Source.LUOYUN) {
      InstanceConfig config = parse(() -> InstanceConfig.load(home.conf()));
      return new Loaded(InstanceSpec.of(config), new StepResult(STEP, Outcome.UNCHANGED,
          why + "; keeping " + home.conf(), o.dryRun()), others, o.source().toAbsolutePath().toString());
    }
    Path copy = home.seedCopy(kept.get());
    try (SeedVolume volume = SeedVolume.open(copy)) {
      SeedCopy files = new SeedCopy(volume, copy.toString());
      InstanceSpec spec = check(() -> kept.get() == Source.NOCLOUD ? NoCloud.read(files) : ConfigDrive.read(files));
      return new Loaded(spec, new StepResult(STEP, Outcome.UNCHANGED, why + "; keeping " + copy, o.dryRun()), others,
          copy.toString());
    } catch (IOException e) {
      throw new BadInput("source: " + Errors.describe(e));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // keeping it

  private static Loaded luoyun(Configurator.Options o, byte[] ini, Path src, List<String> others) throws BadInput {
    InstanceConfig config = parse(() -> InstanceConfig.parse(ini));
    InstanceSpec spec = InstanceSpec.of(config);
    try {
      return new Loaded(spec, store(o, o.home().conf(), ini, src), others, src.toAbsolutePath().toString());
    } catch (IOException e) {
      return new Loaded(spec, new StepResult(STEP, Outcome.FAILED,
          "cannot write " + Errors.describe(e) + "; applying the config from " + src, o.dryRun()), others,
          src.toAbsolutePath().toString());
    }
  }

  private static Loaded other(Configurator.Options o, Source kind, InstanceSpec spec, SeedCopy files, String name,
      List<String> others) {
    Home home = o.home();
    Path copy = home.seedCopy(kind);
    try {
      if (files.sameAs(home, kind) && !Files.exists(home.conf())) {
        return new Loaded(spec, new StepResult(STEP, Outcome.UNCHANGED, copy + " matches " + name + " (" + kind.id()
            + ", instance " + spec.instanceId() + ")", o.dryRun()), others, name);
      }
      if (o.dryRun()) {
        SysFiles.checkWritable(copy);
      } else {
        files.store(home, kind);
        for (Source s : Source.values()) {
          if (s != kind && s != Source.LUOYUN) {
            cloud.luoyun.osmanager.util.FileTrees.delete(home.seedCopy(s));
          }
        }
        if (Files.exists(home.conf())) {
          Files.move(home.conf(), home.confDir().resolve(PREVIOUS_CONF), StandardCopyOption.REPLACE_EXISTING);
          log.info("{} moved to {}: the instance now runs on the config from {} (no controller)", home.conf(),
              PREVIOUS_CONF, kind.id());
        }
      }
      return new Loaded(spec, new StepResult(STEP, Outcome.CHANGED, copy + (o.dryRun() ? " would be replaced from "
          : " replaced from ") + name + " (" + kind.id() + ", instance " + spec.instanceId() + ")", o.dryRun()), others,
          name);
    } catch (IOException e) {
      return new Loaded(spec, new StepResult(STEP, Outcome.FAILED,
          "cannot write " + Errors.describe(e) + "; applying the config from " + name, o.dryRun()), others, name);
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
    if (dryRun || !device.toAbsolutePath().startsWith("/dev/")) {
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

  private static String ids(Set<Source> kinds) {
    return String.join(",", kinds.stream().sorted().map(Source::id).toList());
  }

  private interface Parse<T> {
    T get() throws ConfigException, IOException;
  }

  private static InstanceConfig parse(Parse<InstanceConfig> p) throws BadInput {
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

  /** Another cloud's spec, or the one line that refuses it (naming the file and field). */
  private static InstanceSpec check(Parse<InstanceSpec> p) throws BadInput, IOException {
    try {
      InstanceSpec spec = p.get();
      ApplyChecks.check(spec); // before the copy is stored: a refused config is not kept either
      return spec;
    } catch (ConfigException e) {
      throw new BadInput(e.getMessage());
    }
  }
}
