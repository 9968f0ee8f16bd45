package cloud.luoyun.osmanager.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The instance config, {@code conf/luoyun.conf} (a copy of the floppy's {@code luoyun.ini}):
 * {@code KEY=VALUE} lines with the keys of SPEC §3, validated once into immutable values.
 *
 * <p>TAG and KEY are required; the controller keys default as the original agent did
 * (port 1369, group 228.0.0.1:1369); an empty CLC_IP means "discover the controller". Blank lines
 * and {@code #} comments are skipped; unknown keys are kept out and reported in {@link #warnings()};
 * a key given twice is refused. {@link #toString()} never shows KEY or the settings' secrets.
 */
public record InstanceConfig(Optional<Ipv4Address> clcIp, int clcPort, Ipv4Address clcMcastIp,
    int clcMcastPort, int tag, Secret key, InstanceSettings settings, List<String> warnings) {

  /** Larger than any floppy holds (3584 bytes) with room for hand-written configs. */
  public static final int MAX_BYTES = 64 * 1024;
  public static final int DEFAULT_PORT = 1369;
  public static final Ipv4Address DEFAULT_MCAST_IP = new Ipv4Address(0xE4000001); // 228.0.0.1
  private static final Set<String> KEYS = Set.of("CLC_IP", "CLC_PORT", "CLC_MCAST_IP", "CLC_MCAST_PORT", "TAG",
      "KEY", "JSON");

  public InstanceConfig {
    warnings = List.copyOf(warnings);
  }

  public static InstanceConfig load(Path file) throws ConfigException, IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      return parse(bytes);
    }
  }

  public static InstanceConfig parse(byte[] bytes) throws ConfigException {
    if (bytes.length > MAX_BYTES) {
      throw new ConfigException("luoyun.conf", "larger than " + MAX_BYTES + " bytes");
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    int lineNo = 0;
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNo++;
      parseLine(bytes, start, end, lineNo, values, warnings);
      start = end + 1;
    }
    return fromValues(values, warnings);
  }

  private static void parseLine(byte[] bytes, int start, int end, int lineNo, Map<String, String> values,
      List<String> warnings) throws ConfigException {
    int eq = start;
    while (eq < end && bytes[eq] != '=') {
      eq++;
    }
    String key = decode(bytes, start, eq, "line " + lineNo).strip();
    if (lineNo == 1 && key.startsWith("\uFEFF")) {
      key = key.substring(1).strip();
    }
    if (eq == end) {
      if (key.isEmpty() || key.startsWith("#")) {
        return;
      }
      throw new ConfigException("line " + lineNo, "expected KEY=VALUE");
    }
    if (key.startsWith("#")) {
      return;
    }
    String value = decode(bytes, eq + 1, end, KEYS.contains(key) ? key : "line " + lineNo).strip();
    if (!KEYS.contains(key)) {
      warnings.add("line " + lineNo + ": unknown key " + Values.quote(key) + " ignored");
      return;
    }
    if (values.putIfAbsent(key, value) != null) {
      throw new ConfigException(key, "given twice");
    }
  }

  private static String decode(byte[] bytes, int from, int to, String field) throws ConfigException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(field, "not valid UTF-8");
    }
  }

  private static InstanceConfig fromValues(Map<String, String> v, List<String> warnings) throws ConfigException {
    String clcIp = v.getOrDefault("CLC_IP", "");
    Optional<Ipv4Address> clc = clcIp.isEmpty() ? Optional.empty() : Optional.of(Ipv4Address.parse("CLC_IP", clcIp));
    int clcPort = port("CLC_PORT", v.get("CLC_PORT"));
    String mcast = v.getOrDefault("CLC_MCAST_IP", "");
    Ipv4Address mcastIp = mcast.isEmpty() ? DEFAULT_MCAST_IP : Ipv4Address.parse("CLC_MCAST_IP", mcast);
    if (!mcastIp.isMulticast()) {
      throw new ConfigException("CLC_MCAST_IP", "not a multicast address: " + Values.quote(mcast));
    }
    int mcastPort = port("CLC_MCAST_PORT", v.get("CLC_MCAST_PORT"));
    String tag = v.get("TAG");
    if (tag == null || tag.isEmpty()) {
      throw new ConfigException("TAG", "missing");
    }
    String key = v.get("KEY");
    if (key == null) {
      throw new ConfigException("KEY", "missing");
    }
    return new InstanceConfig(clc, clcPort, mcastIp, mcastPort, int32("TAG", tag), Secret.parse("KEY", key),
        InstanceSettings.parse(v.getOrDefault("JSON", "")), warnings);
  }

  private static int port(String field, String s) throws ConfigException {
    return s == null || s.isEmpty() ? DEFAULT_PORT : InstanceSettings.port(field, s);
  }

  private static int int32(String field, String s) throws ConfigException {
    if (!s.matches("-?[0-9]{1,10}")) {
      throw new ConfigException(field, "not an int32: " + Values.quote(s));
    }
    long v = Long.parseLong(s);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigException(field, "not an int32: " + Values.quote(s));
    }
    return (int) v;
  }
}
