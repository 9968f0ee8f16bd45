package cloud.luoyun.osmanager.config.seed;

import java.io.IOException;

/**
 * A seed volume, or a file on it, that cannot be used as it is: a length or position outside the
 * volume, a folder that loops, a name or file over its limit, a truncated image. The message is
 * one line that starts with the volume and names the file or field
 * ({@code seed.iso: meta-data: larger than 65536 bytes}). Not a transient failure: reading the
 * same volume again gives the same error.
 */
public final class SeedFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  SeedFormatException(String message) {
    super(message);
  }
}
