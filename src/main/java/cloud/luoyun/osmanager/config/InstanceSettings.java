package cloud.luoyun.osmanager.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The instance settings from the config's {@code JSON=} line, validated into immutable values.
 * Any field may be missing; unknown fields are ignored; a known field with a bad value is refused
 * with its JSON path named ({@code network[1].gateway: not an IPv4 address: "..."}).
 */
public record InstanceSettings(Optional<String> cookie, WebSsh webssh, List<NetworkEntry> network,
    List<Ipv4Address> nameservers, Optional<Domain> domain, Optional<CryptHash> passwdHash,
    Optional<SshPublicKey> publicKey, List<Storage> storage, boolean useGlobalPasswd) {

  public static final InstanceSettings EMPTY = new InstanceSettings(Optional.empty(), WebSsh.DEFAULT, List.of(),
      List.of(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), false);

  private static final Pattern COOKIE = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
  private static final int MAX_NICS = 16;
  private static final int MAX_NAMESERVERS = 8;
  private static final int MAX_DISKS = 64;

  public InstanceSettings {
    network = List.copyOf(network);
    nameservers = List.copyOf(nameservers);
    storage = List.copyOf(storage);
  }

  /** Parses the {@code JSON=} value; blank means no settings. */
  public static InstanceSettings parse(String json) throws ConfigException {
    if (json.isBlank()) {
      return EMPTY;
    }
    Object root;
    try {
      root = JSON.std.anyFrom(json);
    } catch (JsonProcessingException e) {
      // Only the location: the parser's message may quote a piece of the input, which can be secret.
      JsonLocation at = e.getLocation();
      throw new ConfigException("JSON", "not valid JSON" + (at == null ? "" : " (at column " + at.getColumnNr() + ")"));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("JSON", "not valid JSON");
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException("JSON", "not a JSON object");
    }
    Optional<String> cookie = string("cookie", map.get("cookie"));
    if (cookie.isPresent() && !COOKIE.matcher(cookie.get()).matches()) {
      throw new ConfigException("cookie", "expected 1..128 letters, digits, '-' or '_'");
    }
    Optional<String> hash = string("passwd_hash", map.get("passwd_hash"));
    Optional<String> key = string("public_key", map.get("public_key"));
    return new InstanceSettings(
        cookie,
        webssh(map.get("webssh")),
        network(map.get("network")),
        nameserverList("nameservers", map.get("nameservers")),
        domain(map.get("domain")),
        hash.isPresent() ? Optional.of(CryptHash.parse("passwd_hash", hash.get())) : Optional.empty(),
        key.isPresent() ? Optional.of(SshPublicKey.parse("public_key", key.get())) : Optional.empty(),
        storage(map.get("storage")),
        bool("use_global_passwd", map.get("use_global_passwd")));
  }

  private static WebSsh webssh(Object o) throws ConfigException {
    if (o == null) {
      return WebSsh.DEFAULT;
    }
    Map<?, ?> m = object("webssh", o);
    boolean enabled = true;
    Optional<String> status = string("webssh.status", m.get("status"));
    if (status.isPresent()) {
      switch (status.get().strip().toLowerCase(java.util.Locale.ROOT)) {
        case "enable", "enabled" -> enabled = true;
        case "disable", "disabled" -> enabled = false;
        default -> throw new ConfigException("webssh.status",
            "expected \"enable\" or \"disable\", got " + Values.quote(status.get()));
      }
    }
    OptionalInt port = m.get("port") == null ? OptionalInt.empty() : OptionalInt.of(port("webssh.port", m.get("port")));
    return new WebSsh(enabled, port);
  }

  private static List<NetworkEntry> network(Object o) throws ConfigException {
    List<?> list = list("network", o);
    if (list.size() > MAX_NICS) {
      throw new ConfigException("network", "more than " + MAX_NICS + " entries");
    }
    List<NetworkEntry> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String f = "network[" + i + "]";
      Map<?, ?> m = object(f, list.get(i));
      Optional<Ipv4Address> ip = ipv4(f + ".ip", m.get("ip"));
      Optional<String> mask = string(f + ".netmask", m.get("netmask"));
      // stripped like every address (ipv4()): the front end's IPy check lets surrounding spaces through
      Optional<Netmask> netmask = mask.isPresent() && !mask.get().isBlank()
          ? Optional.of(Netmask.parse(f + ".netmask", mask.get().strip())) : Optional.empty();
      Optional<String> mac = string(f + ".mac", m.get("mac"));
      Optional<String> type = string(f + ".type", m.get("type"));
      if (type.isPresent() && !WORD.matcher(type.get()).matches()) {
        throw new ConfigException(f + ".type", "expected a short word, got " + Values.quote(type.get()));
      }
      out.add(new NetworkEntry(ip, netmask, ipv4(f + ".gateway", m.get("gateway")),
          mac.isPresent() ? Optional.of(MacAddress.parse(f + ".mac", mac.get())) : Optional.empty(),
          type, nameserverList(f + ".nameservers", m.get("nameservers"))));
    }
    return out;
  }

  private static Optional<Domain> domain(Object o) throws ConfigException {
    if (o == null) {
      return Optional.empty();
    }
    Map<?, ?> m = object("domain", o);
    Optional<String> name = string("domain.name", m.get("name"));
    if (name.isPresent()) {
      name = Optional.of(hostname("domain.name", name.get()));
    }
    return Optional.of(new Domain(name, ipv4("domain.ip", m.get("ip"))));
  }

  /**
   * A DNS name, in the form shown on the pages: one trailing dot (the absolute form, which the
   * LuoYun web front end's domain check lets an owner enter) is dropped.
   */
  private static String hostname(String field, String given) throws ConfigException {
    String name = given.endsWith(".") && given.length() > 1 ? given.substring(0, given.length() - 1) : given;
    if (name.length() > 253) {
      throw new ConfigException(field, "longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new ConfigException(field, "not a DNS name: " + Values.quote(given));
      }
    }
    return name;
  }

  private static List<Storage> storage(Object o) throws ConfigException {
    List<?> list = list("storage", o);
    if (list.size() > MAX_DISKS) {
      throw new ConfigException("storage", "more than " + MAX_DISKS + " entries");
    }
    List<Storage> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String f = "storage[" + i + "]";
      Map<?, ?> m = object(f, list.get(i));
      String type = string(f + ".type", m.get("type")).orElse("disk");
      if (!WORD.matcher(type).matches()) {
        throw new ConfigException(f + ".type", "expected a short word, got " + Values.quote(type));
      }
      int size = m.get("size") == null ? 0 : integer(f + ".size", m.get("size"), 0, 1 << 20);
      out.add(new Storage(type, size));
    }
    return out;
  }

  /** "8.8.8.8 114.114.114.114" (spaces or commas), or a JSON list of strings. */
  private static List<Ipv4Address> nameserverList(String field, Object o) throws ConfigException {
    List<String> words = new ArrayList<>();
    if (o instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        words.add(string(field + "[" + i + "]", l.get(i)).orElse(""));
      }
    } else {
      Optional<String> s = string(field, o);
      if (s.isPresent()) {
        Values.requireLength(field, s.get(), 1024);
        for (String w : s.get().split("[\\s,]+")) {
          words.add(w);
        }
      }
    }
    List<Ipv4Address> out = new ArrayList<>();
    for (String w : words) {
      if (!w.isEmpty()) {
        out.add(Ipv4Address.parse(field, w));
      }
    }
    if (out.size() > MAX_NAMESERVERS) {
      throw new ConfigException(field, "more than " + MAX_NAMESERVERS + " name servers");
    }
    return out;
  }

  static int port(String field, Object o) throws ConfigException {
    return integer(field, o, 1, 65535);
  }

  private static int integer(String field, Object o, int min, int max) throws ConfigException {
    long v;
    if (o instanceof Integer || o instanceof Long || o instanceof Short) {
      v = ((Number) o).longValue();
    } else if (o instanceof String s && s.strip().matches("[0-9]{1,10}")) {
      v = Long.parseLong(s.strip());
    } else {
      throw new ConfigException(field, "expected an integer " + min + ".." + max);
    }
    if (v < min || v > max) {
      throw new ConfigException(field, v + " is out of range (expected: " + min + ".." + max + ")");
    }
    return (int) v;
  }

  private static boolean bool(String field, Object o) throws ConfigException {
    if (o == null) {
      return false;
    }
    if (o instanceof Boolean b) {
      return b;
    }
    if (o instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(field, "expected true or false");
  }

  private static Optional<Ipv4Address> ipv4(String field, Object o) throws ConfigException {
    Optional<String> s = string(field, o);
    return s.isEmpty() ? Optional.empty() : Optional.of(Ipv4Address.parse(field, s.get().strip()));
  }

  /** A JSON string, with null and "" meaning absent; other JSON types are refused. */
  private static Optional<String> string(String field, Object o) throws ConfigException {
    if (o == null) {
      return Optional.empty();
    }
    if (!(o instanceof String s)) {
      throw new ConfigException(field, "expected a string");
    }
    Values.requireLength(field, s, 16 * 1024);
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static Map<?, ?> object(String field, Object o) throws ConfigException {
    if (!(o instanceof Map<?, ?> m)) {
      throw new ConfigException(field, "expected a JSON object");
    }
    return m;
  }

  private static List<?> list(String field, Object o) throws ConfigException {
    if (o == null) {
      return List.of();
    }
    if (!(o instanceof List<?> l)) {
      throw new ConfigException(field, "expected a JSON list");
    }
    return l;
  }

  /** Never shows the cookie, the hash or anything else that grants access. */
  @Override
  public String toString() {
    return "InstanceSettings[cookie=" + cookie.map(c -> "****").orElse("none") + ", webssh=" + webssh
        + ", network=" + network + ", nameservers=" + nameservers + ", domain=" + domain
        + ", passwdHash=" + passwdHash.map(h -> "****").orElse("none") + ", publicKey=" + publicKey
        + ", storage=" + storage + ", useGlobalPasswd=" + useGlobalPasswd + "]";
  }
}
