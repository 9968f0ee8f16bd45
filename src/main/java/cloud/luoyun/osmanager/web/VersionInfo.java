package cloud.luoyun.osmanager.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What {@code build/VERSION} says about the appliance:
 * <pre>
 * Version: 1.0          line 1: &lt;label&gt; &lt;version1&gt;
 * OwnCloud: 4.0.7       line 2: &lt;application&gt;: &lt;version2&gt;
 * </pre>
 * The file is written by the appliance builder; anything else in it is ignored.
 */
record VersionInfo(String application, String version1, String version2) {
  static final String UNKNOWN_VALUE = "unknown";
  static final VersionInfo UNKNOWN = new VersionInfo(UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE);
  /** A VERSION file is two short lines; a larger one is not what we expect. */
  static final int MAX_FILE_BYTES = 64 * 1024;
  private static final int MAX_VALUE_CHARS = 128;

  /**
   * Parses the file's bytes; empty when they are not two lines of the expected form (strict UTF-8,
   * printable values of at most 128 characters).
   */
  static Optional<VersionInfo> parse(byte[] file) {
    if (file.length > MAX_FILE_BYTES) {
      return Optional.empty();
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(file)).toString();
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    String[] lines = text.split("\r?\n", 3);
    if (lines.length < 2) {
      return Optional.empty();
    }
    // line 1: a label, then the version (the original took the second word; keep the rest too)
    String[] first = lines[0].strip().split("\\s+", 2);
    if (first.length < 2) {
      return Optional.empty();
    }
    String version1 = first[1].strip();
    // line 2: "<application>: <version2>"; without a colon, the first two words as the original did
    String second = lines[1].strip();
    String application;
    String version2;
    int colon = second.indexOf(':');
    if (colon >= 0) {
      application = second.substring(0, colon).strip();
      version2 = second.substring(colon + 1).strip();
    } else {
      String[] words = second.split("\\s+", 2);
      if (words.length < 2) {
        return Optional.empty();
      }
      application = words[0];
      version2 = words[1].strip();
    }
    if (!isValue(application) || !isValue(version1) || !isValue(version2)) {
      return Optional.empty();
    }
    return Optional.of(new VersionInfo(application, version1, version2));
  }

  private static boolean isValue(String s) {
    if (s.isEmpty() || s.length() > MAX_VALUE_CHARS) {
      return false;
    }
    return s.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029);
  }
}
