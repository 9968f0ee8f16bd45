package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.ExitStatus;
import java.util.List;
import java.util.Optional;

/**
 * The result of a configure run: one {@link StepResult} per step in order, or, when the config
 * itself was unusable, the one line that names the bad field (and no steps ran).
 */
public record Report(List<StepResult> steps, Optional<String> badInput) {

  public Report {
    steps = List.copyOf(steps);
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
