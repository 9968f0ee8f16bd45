package cloud.luoyun.osmanager.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The rows every part of the benchmarks prints for bench/all.sh's table, and the few numbers they
 * share. Columns: figure | deb | tar | beside it | ratio | target (must / aim) | holds.
 */
final class Table {
  static final String COLUMNS = "| figure | .deb (Debian's Java) | tarball (its runtime) | beside it, same run | ratio "
      + "| must / aim | holds |";

  private Table() {}

  static void row(String figure, String deb, String tar, String beside, String ratio, String target, String holds) {
    System.out.println("| " + String.join(" | ", figure, deb, tar, beside, ratio, target, holds) + " |");
  }

  /** Whether values (one per tree) meet the must and the aim; lower is better unless told. */
  static String holds(List<Double> values, double must, double aim, boolean higherIsBetter) {
    boolean mustHolds = values.stream().allMatch(v -> higherIsBetter ? v >= must : v <= must);
    boolean aimHolds = values.stream().allMatch(v -> higherIsBetter ? v >= aim : v <= aim);
    return (mustHolds ? "must: yes" : "must: **NO**") + ", aim: " + (aimHolds ? "yes" : "no");
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static double median(List<? extends Number> values) {
    List<Double> sorted = new ArrayList<>();
    values.forEach(v -> sorted.add(v.doubleValue()));
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static String mib(long kib) {
    return f("%.1f MiB", kib / 1024.0);
  }
}
