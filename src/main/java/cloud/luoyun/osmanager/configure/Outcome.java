package cloud.luoyun.osmanager.configure;

/** What a step did. A dry run reports {@link #CHANGED} as "would change". */
public enum Outcome {
  CHANGED, UNCHANGED, SKIPPED, FAILED;

  String word(boolean dryRun) {
    return switch (this) {
      case CHANGED -> dryRun ? "would change" : "changed";
      case UNCHANGED -> "unchanged";
      case SKIPPED -> "skipped";
      case FAILED -> "failed";
    };
  }
}
