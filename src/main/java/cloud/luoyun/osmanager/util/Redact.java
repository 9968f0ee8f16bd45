package cloud.luoyun.osmanager.util;

/** How secrets appear in logs, messages and {@code toString}: not at all. */
public final class Redact {
  public static final String MASK = "****";

  private Redact() {}

  /** Always {@code ****}; the argument is only there to mark, at the call site, what was hidden. */
  public static String secret(Object ignored) {
    return MASK;
  }
}
