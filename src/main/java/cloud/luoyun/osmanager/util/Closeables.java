package cloud.luoyun.osmanager.util;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing resources on paths where a failure to close must not hide what happened before. */
public final class Closeables {
  private static final Logger log = LoggerFactory.getLogger(Closeables.class);

  private Closeables() {}

  /** Closes {@code c} (null is fine); a failure is logged at debug level and otherwise ignored. */
  public static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.debug("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
    }
  }

  /**
   * Closes every one of {@code all} in order (nulls skipped), even when an earlier one fails; then
   * throws the first failure, with the later ones attached as suppressed.
   */
  public static void closeAll(AutoCloseable... all) throws Exception {
    Exception first = null;
    for (AutoCloseable c : all) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
