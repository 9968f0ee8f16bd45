package cloud.luoyun.osmanager.configure;

import java.util.Objects;

/**
 * One step's outcome and a short human reason or summary (never a secret). Printed as one line:
 * {@code <step>: <outcome>[: <detail>]}.
 */
public record StepResult(String step, Outcome outcome, String detail, boolean dryRun) {
  public StepResult {
    Objects.requireNonNull(step);
    Objects.requireNonNull(outcome);
    detail = detail == null ? "" : detail.replace('\n', ' ').strip();
  }

  public String line() {
    return step + ": " + outcome.word(dryRun) + (detail.isEmpty() ? "" : ": " + detail);
  }

  @Override
  public String toString() {
    return line();
  }
}
