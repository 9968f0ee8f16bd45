package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.HumanTime;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The last configure run (by {@code configure} or {@code boot}), kept in {@code state/configure.json}
 * for {@code osmanager status}: when, from which source, the exit status, the refused config's
 * message, the config file in use and when it last changed, and every step's line. Written
 * atomically (a reader never sees half of it), mode 0644: it holds no secret, as no step line and
 * no refusal does (they name fields, never their values for KEY, the hash or the cookie).
 *
 * @param source what the config was read from: the floppy device, image or file configure was
 *     given, the other cloud's volume it found (with its label), or the conf/ it kept
 * @param exitStatus configure's: 0 all good, 1 a step failed, 2 the config was refused
 * @param refused why the config was refused (then no step ran)
 * @param configFile {@code conf/luoyun.conf}
 * @param configChangedAt when that file last changed: when the config in use arrived
 * @param origin the kind of source used, why the others were not, and the keys not applied
 */
public record RunRecord(Instant at, String source, int exitStatus, Optional<String> refused, String configFile,
    Optional<Instant> configChangedAt, List<StepResult> steps, Report.Origin origin) {
  public static final String FILE = "configure.json";
  /** Larger is not ours: read no more of it. */
  private static final int MAX_BYTES = 256 * 1024;

  public RunRecord {
    steps = List.copyOf(steps);
  }

  static RunRecord of(Configurator.Options o, Report report, Instant at) {
    Path conf = report.origin().config().filter(k -> !k.equals(InstanceSpec.Source.LUOYUN.id()))
        .map(k -> o.home().seedCopy(InstanceSpec.Source.valueOf(k.toUpperCase(Locale.ROOT)))).orElse(o.home().conf());
    Optional<Instant> changed;
    try {
      changed = Optional.of(Files.getLastModifiedTime(conf).toInstant());
    } catch (IOException e) {
      changed = Optional.empty(); // no config at all: the steps say so
    }
    String source = report.origin().from().orElse(o.source().toAbsolutePath().toString());
    return new RunRecord(at, source, report.exitCode(), report.badInput(), conf.toString(), changed,
        report.steps(), report.origin());
  }

  void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    AtomicFile.writeIfChanged(file, JSON.std.asBytes(toMap()), PosixFilePermissions.fromString("rw-r--r--"));
  }

  /** The record as JSON values, as {@code state/configure.json} and {@code status --json} show it. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", HumanTime.iso(at));
    m.put("source", source);
    m.put("exitStatus", exitStatus);
    refused.ifPresent(r -> m.put("refused", r));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("file", configFile);
    configChangedAt.ifPresent(t -> config.put("changedAt", HumanTime.iso(t)));
    m.put("config", config);
    origin.config().ifPresent(c -> m.put("kind", c));
    if (!origin.others().isEmpty()) {
      m.put("others", origin.others());
    }
    if (!origin.notApplied().isEmpty()) {
      m.put("notApplied", origin.notApplied());
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    for (StepResult s : steps) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("step", s.step());
      step.put("outcome", s.outcome().name().toLowerCase(Locale.ROOT));
      step.put("detail", s.detail());
      lines.add(step);
    }
    m.put("steps", lines);
    return m;
  }

  /**
   * The record in {@code file}; empty when configure never ran under this home.
   *
   * @throws IOException when the file cannot be read or is not such a record
   */
  public static Optional<RunRecord> read(Path file) throws IOException {
    Object parsed;
    try (InputStream in = Files.newInputStream(file)) {
      parsed = JSON.std.anyFrom(in.readNBytes(MAX_BYTES));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!(parsed instanceof Map<?, ?> m) || !(m.get("exitStatus") instanceof Number exit)) {
      throw new IOException("not a record of a configure run");
    }
    Map<?, ?> config = m.get("config") instanceof Map<?, ?> c ? c : Map.of();
    List<StepResult> steps = new ArrayList<>();
    if (m.get("steps") instanceof List<?> list) {
      for (Object o : list) {
        step(o).ifPresent(steps::add);
      }
    }
    return Optional.of(new RunRecord(HumanTime.parse(m.get("at")).orElse(Instant.EPOCH), text(m.get("source")),
        exit.intValue(), Optional.ofNullable(m.get("refused")).map(String::valueOf), text(config.get("file")),
        HumanTime.parse(config.get("changedAt")), steps, new Report.Origin(
            m.get("kind") instanceof String k ? Optional.of(k) : Optional.empty(), strings(m.get("others")),
            strings(m.get("notApplied")), Optional.empty())));
  }

  private static Optional<StepResult> step(Object o) {
    if (!(o instanceof Map<?, ?> s) || !(s.get("step") instanceof String name)) {
      return Optional.empty();
    }
    for (Outcome outcome : Outcome.values()) {
      if (outcome.name().toLowerCase(Locale.ROOT).equals(s.get("outcome"))) {
        return Optional.of(new StepResult(name, outcome, text(s.get("detail")), false));
      }
    }
    return Optional.empty();
  }

  private static List<String> strings(Object o) {
    return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }

  private static String text(Object o) {
    return o == null ? "" : String.valueOf(o);
  }
}
