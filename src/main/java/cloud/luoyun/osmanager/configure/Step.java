package cloud.luoyun.osmanager.configure;

/**
 * One idempotent system change. {@link #apply} looks before it leaps: when the system already
 * matches the config it returns {@link Outcome#UNCHANGED} and writes nothing; in a dry run it
 * changes nothing and says what it would change. An exception means {@link Outcome#FAILED} with
 * the exception's message, and the run goes on with the next step.
 */
interface Step {
  String name();

  StepResult apply(Context c) throws Exception;

  default StepResult changed(Context c, String detail) {
    return new StepResult(name(), Outcome.CHANGED, detail, c.dryRun());
  }

  default StepResult unchanged(Context c, String detail) {
    return new StepResult(name(), Outcome.UNCHANGED, detail, c.dryRun());
  }

  default StepResult ran(Context c, String detail) {
    return new StepResult(name(), Outcome.RAN, detail, c.dryRun());
  }

  default StepResult skipped(Context c, String detail) {
    return new StepResult(name(), Outcome.SKIPPED, detail, c.dryRun());
  }

  default StepResult failed(Context c, String detail) {
    return new StepResult(name(), Outcome.FAILED, detail, c.dryRun());
  }
}
