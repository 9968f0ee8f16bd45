package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Values;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One value of a parsed seed file (YAML or JSON: maps, lists, strings, numbers, booleans) with its
 * place in the file, so that every refusal names the file and the field in one line:
 * {@code network-config: config[0].subnets[0].netmask: not a contiguous netmask: "255.0.255.0"}.
 * Accessors check the type they expect and refuse any other ({@code ssh_authorized_keys: 42}).
 * A missing key and an explicit {@code null} are the same: absent.
 */
final class Node {
  /** Strings longer than this are refused wherever they appear (an SSH key line is the longest). */
  static final int MAX_STRING = 16 * 1024;
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final String file;
  private final String path;
  private final Object value;

  private Node(String file, String path, Object value) {
    this.file = file;
    this.path = path;
    this.value = value;
  }

  static Node root(String file, Object value) {
    return new Node(file, "", value);
  }

  /** {@code file: path}, or the file alone at the top: the field of a {@link ConfigException}. */
  String field() {
    return path.isEmpty() ? file : file + ": " + path;
  }

  String file() {
    return file;
  }

  ConfigException error(String reason) {
    return new ConfigException(field(), reason);
  }

  boolean isAbsent() {
    return value == null;
  }

  boolean isMap() {
    return value instanceof Map;
  }

  boolean isList() {
    return value instanceof List;
  }

  boolean isBool() {
    return value instanceof Boolean;
  }

  boolean isString() {
    return value instanceof String;
  }

  /**
   * The value of {@code key} in this mapping (absent when there is none, or when this mapping is
   * absent itself); refused when this is something other than a mapping.
   */
  Node get(String key) throws ConfigException {
    return new Node(file, child(key), value == null ? null : map().get(key));
  }

  boolean has(String key) throws ConfigException {
    return get(key).value != null;
  }

  /** A key of this mapping as a value of its own (netplan's {@code addresses: [{"10.0.0.5/24": {...}}]}). */
  Node keyAt(String key) {
    return new Node(file, child(key), key);
  }

  /** The keys of this mapping (absent: none), each a string; at most {@code max}. */
  List<String> keys(int max) throws ConfigException {
    if (value == null) {
      return List.of();
    }
    Map<?, ?> m = map();
    if (m.size() > max) {
      throw error("more than " + max + " entries");
    }
    List<String> out = new ArrayList<>();
    for (Object k : m.keySet()) {
      if (!(k instanceof String s)) {
        throw error("a key that is not a string");
      }
      out.add(s);
    }
    return out;
  }

  /** The items of this list (absent: none), at most {@code max}. */
  List<Node> items(int max) throws ConfigException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> l)) {
      throw error("expected a list");
    }
    if (l.size() > max) {
      throw error("more than " + max + " items");
    }
    List<Node> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      out.add(new Node(file, path + "[" + i + "]", l.get(i)));
    }
    return out;
  }

  /**
   * A list of strings, also given as one string (cloud-init takes both for {@code search},
   * {@code ssh_authorized_keys}, ...): a single string is split at {@code separator} when one is given.
   */
  List<Node> stringsOrOne(int max, String separator) throws ConfigException {
    if (value instanceof String s) {
      if (separator == null) {
        return s.isBlank() ? List.of() : List.of(this);
      }
      List<Node> out = new ArrayList<>();
      for (String part : s.split(separator)) {
        if (!part.isBlank()) {
          out.add(new Node(file, path, part.strip()));
        }
      }
      if (out.size() > max) {
        throw error("more than " + max + " items");
      }
      return out;
    }
    return items(max);
  }

  /** A string; refused when absent or of another type. */
  String string() throws ConfigException {
    if (value == null) {
      throw error("missing");
    }
    if (!(value instanceof String s)) {
      throw error("expected a string");
    }
    if (s.length() > MAX_STRING) {
      throw error("longer than " + MAX_STRING + " characters");
    }
    return s;
  }

  /** A string, with absent and {@code ""} meaning none. */
  Optional<String> optString() throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    String s = string();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /**
   * A scalar as text, as cloud-init's {@code str()} makes it: YAML reads {@code password: 12345678}
   * and {@code instance-id: 42} as integers. Booleans, floats, dates and collections are refused.
   */
  Optional<String> optScalar() throws ConfigException {
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      return Optional.of(value.toString());
    }
    return optString();
  }

  /** A boolean: YAML 1.1's {@code true/false/yes/no/on/off}, JSON's, or those words as a string. */
  Optional<Boolean> optBool() throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Boolean b) {
      return Optional.of(b);
    }
    if (value instanceof String s) {
      switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> {
          return Optional.of(true);
        }
        case "false", "no", "off", "0" -> {
          return Optional.of(false);
        }
        default -> { }
      }
    }
    throw error("expected true or false");
  }

  boolean bool(boolean absent) throws ConfigException {
    return optBool().orElse(absent);
  }

  /** An integer in {@code min..max} (also as a string of digits); absent or JSON null: none. */
  OptionalInt optInt(int min, int max) throws ConfigException {
    if (value == null) {
      return OptionalInt.empty();
    }
    long v;
    if (value instanceof Integer || value instanceof Long) {
      v = ((Number) value).longValue();
    } else if (value instanceof String s && s.strip().matches("[0-9]{1,10}")) {
      v = Long.parseLong(s.strip());
    } else {
      throw error("expected an integer " + min + ".." + max);
    }
    if (v < min || v > max) {
      throw error(v + " is out of range (expected: " + min + ".." + max + ")");
    }
    return OptionalInt.of((int) v);
  }

  private Map<?, ?> map() throws ConfigException {
    if (!(value instanceof Map<?, ?> m)) {
      throw error(value == null ? "missing" : "expected a mapping");
    }
    return m;
  }

  private String child(String key) {
    String k = PLAIN_KEY.matcher(key).matches() ? key : "[" + Values.quote(key) + "]";
    if (path.isEmpty()) {
      return k;
    }
    return k.startsWith("[") ? path + k : path + "." + k;
  }
}
