package cloud.luoyun.osmanager.config;

import java.util.OptionalInt;

/** JSON {@code webssh}: whether the web terminal runs, and on which port when the config says. */
public record WebSsh(boolean enabled, OptionalInt port) {
  /** The web terminal's port when the config names none. */
  public static final int DEFAULT_PORT = 8001;
  public static final WebSsh DEFAULT = new WebSsh(true, OptionalInt.empty());

  /** The config's port, else {@link #DEFAULT_PORT}. */
  public int portOrDefault() {
    return port.orElse(DEFAULT_PORT);
  }
}
