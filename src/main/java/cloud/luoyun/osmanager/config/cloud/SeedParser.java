package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads a seed's files, each within its size limit, and parses YAML and JSON into plain maps,
 * lists, strings, numbers and booleans ({@link Node} walks them).
 *
 * <p>YAML is read as cloud-init reads it (PyYAML's safe loader, YAML 1.1): {@code False},
 * {@code yes}, {@code off} are booleans, {@code 0644} is octal. SnakeYAML's {@link SafeConstructor}
 * builds standard types only and refuses global tags ({@code !!java/object:...}); on top of it a
 * document is refused when it holds more than {@value #MAX_ALIASES} aliases to collections (an
 * alias bomb expands a few hundred bytes into billions of nodes), nests deeper than
 * {@value #MAX_DEPTH}, repeats a key, or uses a recursive key. JSON (ConfigDrive's
 * {@code *.json}) is read with the project's JSON library under the same depth limit and with
 * duplicate keys refused. A parser's own message is never shown (it may quote a secret): only
 * the line, or what limit was hit.
 *
 * <p>Size limits (bytes, checked before parsing): {@value #MAX_FILE} for user-data (cloud-init's EC2
 * limit) and for every other file a seed has.
 */
final class SeedParser {
  /**
   * The most bytes of any one file: user-data (cloud-init's EC2 limit), vendor-data, meta-data,
   * network-config, meta_data.json, network_data.json, the ENI text.
   */
  static final int MAX_FILE = 64 * 1024;
  static final int MAX_ALIASES = 16;
  static final int MAX_DEPTH = 32;

  private static final JSON JSON_READER = JSON.builder(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build()).build();

  private SeedParser() {}

  /** The file's bytes, refused when longer than {@value #MAX_FILE} (whatever the reader did). */
  static Optional<byte[]> read(SeedFiles files, String path) throws IOException, ConfigException {
    Optional<byte[]> b = files.read(path, MAX_FILE);
    if (b.isPresent() && b.get().length > MAX_FILE) {
      throw new ConfigException(path, "larger than " + MAX_FILE + " bytes");
    }
    return b;
  }

  /** UTF-8 text (a byte-order mark dropped); bytes that are not UTF-8 are refused. */
  static String text(String name, byte[] bytes) throws ConfigException {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (CharacterCodingException e) {
      throw new ConfigException(name, "not UTF-8 text");
    }
  }

  /** One YAML document as plain Java values; null for an empty document. */
  static Object yaml(String name, String text) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(MAX_FILE);
    DumperOptions dumping = new DumperOptions(); // never used: Yaml's constructor wants one
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumping), dumping, options);
    try {
      return yaml.load(text);
    } catch (DuplicateKeyException e) {
      throw new ConfigException(name, "a key given twice" + line(e.getProblemMark()));
    } catch (MarkedYAMLException e) {
      throw new ConfigException(name, "not valid YAML" + line(e.getProblemMark()));
    } catch (YAMLException e) {
      // The limits' messages hold no content; anything else is named generically.
      String m = String.valueOf(e.getMessage());
      if (m.contains("aliases")) {
        throw new ConfigException(name, "more than " + MAX_ALIASES + " aliases (refused as an alias bomb)");
      }
      if (m.contains("Nesting Depth")) {
        throw new ConfigException(name, "nested deeper than " + MAX_DEPTH + " levels");
      }
      if (m.contains("code points")) {
        throw new ConfigException(name, "larger than " + MAX_FILE + " characters");
      }
      throw new ConfigException(name, "not valid YAML");
    } catch (RuntimeException e) {
      throw new ConfigException(name, "not valid YAML");
    }
  }

  /** One JSON value as plain Java values. */
  static Object json(String name, String text) throws ConfigException {
    try {
      return JSON_READER.anyFrom(text);
    } catch (JsonProcessingException e) {
      String m = String.valueOf(e.getOriginalMessage());
      if (m.startsWith("Duplicate field")) {
        throw new ConfigException(name, "a key given twice" + line(e.getLocation()));
      }
      if (m.contains("nesting depth")) {
        throw new ConfigException(name, "nested deeper than " + MAX_DEPTH + " levels");
      }
      throw new ConfigException(name, "not valid JSON" + line(e.getLocation()));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(name, "not valid JSON");
    }
  }

  private static String line(Mark mark) {
    return mark == null ? "" : " (line " + (mark.getLine() + 1) + ")";
  }

  private static String line(JsonLocation at) {
    return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ")";
  }
}
