package cloud.luoyun.osmanager.config;

import java.util.OptionalInt;

/** JSON {@code webssh}: whether the web terminal runs, and on which port when the config says. */
public record WebSsh(boolean enabled, OptionalInt port) {
  public static final WebSsh DEFAULT = new WebSsh(true, OptionalInt.empty());
}
