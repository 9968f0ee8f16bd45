package cloud.luoyun.osmanager.util;

/**
 * Every exit status osmanager's commands return, in one place: what the README's "Exit status"
 * paragraph, the man pages and the units ({@code RestartPreventExitStatus=2}) rely on.
 */
public final class ExitStatus {
  /** Done; for {@code status}: running and healthy. */
  public static final int OK = 0;
  /** Failed while applying or running, with one line naming the part and the system's reason. */
  public static final int FAILED = 1;
  /** Bad input: a bad option, an unreadable or invalid config; one line naming the field. */
  public static final int BAD_INPUT = 2;
  /** {@code status}: no daemon runs under the home (LSB: program is not running). */
  public static final int NOT_RUNNING = 3;
  /** {@code status}: the daemon's state cannot be read (LSB: program or service status is unknown). */
  public static final int UNKNOWN = 4;
  /** A daemon ended by a fatal error ({@code EX_SOFTWARE}); never 2, which systemd does not restart. */
  public static final int FATAL = 70;
  /**
   * {@code status}: running but degraded (not registered, a port not accepting connections, the
   * last configure refused the config or had a step fail); in LSB's range for applications.
   */
  public static final int DEGRADED = 150;

  private ExitStatus() {}
}
