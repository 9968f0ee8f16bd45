package cloud.luoyun.osmanager.webssh;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Names of uploaded files, which come from the browser and are hostile: a name is one path
 * component that the folder shown can hold, or it is refused with the reason. Paths are the SFTP
 * server's business; a name is never a shell word.
 */
final class FileNames {
  /** The longest name most Linux file systems take (NAME_MAX), in UTF-8 bytes. */
  static final int MAX_BYTES = 255;
  /** How many "name (n).ext" a "keep both" tries before it gives up. */
  static final int MAX_COPIES = 999;

  private FileNames() {}

  /** Why {@code name} cannot be an upload's name, or empty when it can. */
  static Optional<Phrase> refusal(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of(Phrase.NAME_EMPTY);
    }
    if (name.equals(".") || name.equals("..")) {
      return Optional.of(Phrase.NAME_DOTS);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return Optional.of(Phrase.NAME_CHARACTERS);
      }
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return Optional.of(Phrase.NAME_TOO_LONG);
    }
    return Optional.empty();
  }

  /** {@code folder/name}, for a folder the server gave (absolute) and a name checked by {@link #refusal}. */
  static String join(String folder, String name) {
    return folder.endsWith("/") ? folder + name : folder + "/" + name;
  }

  /** The folder holding {@code path} ({@code /} for a name at the root), or null for the root itself. */
  static String parent(String path) {
    if (path.equals("/")) {
      return null;
    }
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    int slash = p.lastIndexOf('/');
    return slash <= 0 ? "/" : p.substring(0, slash);
  }

  /**
   * The first of {@code name (1).ext}, {@code name (2).ext}, ... that {@code taken} says is free
   * (the extension is what follows the last dot, unless the name starts with it), or empty.
   */
  static Optional<String> copyName(String name, Predicate<String> taken) {
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int n = 1; n <= MAX_COPIES; n++) {
      String candidate = stem + " (" + n + ")" + ext;
      if (refusal(candidate).isEmpty() && !taken.test(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The temporary name an upload of {@code name} is written under, in the same folder. */
  static String temporary(String name, String random) {
    String t = "." + name + ".osm-upload-" + random;
    // stay within NAME_MAX however long the name: cut the borrowed part, keep the random tail
    while (t.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      name = name.substring(0, name.length() - 1);
      t = "." + name + ".osm-upload-" + random;
    }
    return t;
  }

  /**
   * {@code Content-Disposition} for a download named {@code name} (RFC 6266): always an
   * attachment, a plain ASCII {@code filename} for old browsers and {@code filename*} in UTF-8.
   */
  static String contentDisposition(String name) {
    StringBuilder ascii = new StringBuilder();
    StringBuilder encoded = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' ? c : '_');
    }
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int v = b & 0xff;
      // RFC 5987 attr-char
      if ((v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9')
          || "!#$&+-.^_`|~".indexOf(v) >= 0) {
        encoded.append((char) v);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit(v >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(v & 15, 16)));
      }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
