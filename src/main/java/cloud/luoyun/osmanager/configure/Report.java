package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.ExitStatus;
import java.util.List;
import java.util.Optional;

/**
 * The result of a configure run: one {@link StepResult} per step in order, or, when the config
 * itself was unusable, the one line that names the bad field (and no steps ran); and where the
 * config came from.
 */
public record Report(List<StepResult> steps, Optional<String> badInput, Origin origin) {

  /**
   * Where the config came from.
   *
   * @param config the kind of source used ({@code luoyun}, {@code nocloud}, {@code configdrive});
   *     empty when none was
   * @param others why each other kind was not used, in words ({@code nocloud: no volume labelled cidata})
   * @param notApplied the keys the source gave that OS Manager does not apply
   * @param from what the config was read from (the floppy, a volume with its label, or conf/)
   */
  public record Origin(Optional<String> config, List<String> others, List<String> notApplied, Optional<String> from) {
    public static final Origin NONE = new Origin(Optional.empty(), List.of(), List.of(), Optional.empty());

    public Origin {
      others = List.copyOf(others);
      notApplied = List.copyOf(notApplied);
    }
  }

  public Report {
    steps = List.copyOf(steps);
  }

  public Report(List<StepResult> steps, Optional<String> badInput) {
    this(steps, badInput, Origin.NONE);
  }

  /** 0 all good, 1 a step failed, 2 the config (or its source) is invalid. */
  public int exitCode() {
    if (badInput.isPresent()) {
      return ExitStatus.BAD_INPUT;
    }
    return steps.stream().anyMatch(s -> s.outcome() == Outcome.FAILED) ? ExitStatus.FAILED : ExitStatus.OK;
  }

  public Optional<StepResult> step(String name) {
    return steps.stream().filter(s -> s.step().equals(name)).findFirst();
  }
}
