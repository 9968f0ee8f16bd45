package cloud.luoyun.osmanager.configure;

/**
 * What a step did. {@link #RAN} is a program of the appliance's own that ran and succeeded, which
 * may or may not have changed anything (so a boot that changed nothing does not say "changed").
 * A dry run reports {@link #CHANGED} as "would change" and {@link #RAN} as "would run".
 */
public enum Outcome {
  CHANGED, UNCHANGED, RAN, SKIPPED, FAILED;

  String word(boolean dryRun) {
    return switch (this) {
      case CHANGED -> dryRun ? "would change" : "changed";
      case UNCHANGED -> "unchanged";
      case RAN -> dryRun ? "would run" : "ran";
      case SKIPPED -> "skipped";
      case FAILED -> "failed";
    };
  }
}
