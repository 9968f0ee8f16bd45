package cloud.luoyun.osmanager.config;

/**
 * A config value that is missing, malformed or unsafe. The message always starts with the name of
 * the offending field ({@code "TAG: not an int32: \"x\""}) so that one line on stderr tells an
 * operator what to fix. Messages never contain secret values.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String field;

  public ConfigException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  /** The key or JSON path that was refused, e.g. {@code network[0].netmask}. */
  public String field() {
    return field;
  }
}
