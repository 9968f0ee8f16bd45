package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestFiles;
import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Configs no one wrote by hand: any string from an alphabet of shell, shadow and key-file
 * metacharacters put into a field the configurator acts on. Whatever happens, no argument of any
 * command carries a metacharacter, etc/shadow keeps its other entries byte for byte and root's
 * entry its nine fields, authorized_keys holds plain key lines only, resolv.conf only our lines;
 * and a refusal names the field.
 */
class UnseenConfigTest {
  static final Pattern SAFE_ARG = Pattern.compile("[A-Za-z0-9./:+_=-]+");
  static final Pattern RESOLV_LINE = Pattern.compile("(# managed by osmanager.*|nameserver [0-9.]+|search example\\.org)");

  @Provide
  Arbitrary<String> field() {
    return Arbitraries.of("ip", "netmask", "gateway", "mac", "nic.nameservers", "nameservers", "passwd_hash",
        "public_key");
  }

  @Provide
  Arbitrary<String> value() {
    Arbitrary<String> noise = Arbitraries.strings().withChars(";|&$`()<>\"' \n\r\t:\\/.,=*#0123456789abcdefAF")
        .ofMinLength(0).ofMaxLength(40);
    Arbitrary<String> nearMiss = Arbitraries.of("10.0.0.5", "255.255.255.0", "10.0.0.1", "92:fd:3c:00:00:07",
        "8.8.8.8", "$6$salt$hash", ConfiguratorTest.KEY_LINE).flatMap(base -> noise.map(n -> base + n));
    return Arbitraries.oneOf(noise, nearMiss);
  }

  @Property(tries = 250)
  void nothingHostileReachesACommandOrAFile(@ForAll("field") String field, @ForAll("value") String value)
      throws Exception {
    check(field, value);
  }

  /** Seen as a failing sample (seed 8135398780296217480): the ip made equal to the gateway. */
  @Example
  void anAddressEqualToTheGatewayIsRefusedNamingTheGateway() throws Exception {
    check("ip", "10.0.0.1");
  }

  /** A valid but narrow netmask puts the vector's gateway outside the NIC's subnet. */
  @Example
  void aNetmaskThatLeavesTheGatewayOutsideIsRefusedNamingTheGateway() throws Exception {
    check("netmask", "30");
  }

  @SuppressWarnings("unchecked")
  private static void check(String field, String value) throws Exception {
    Path dir = Files.createTempDirectory("osmc-prop");
    try {
      ImageTree tree = new ImageTree(dir);
      Map<String, Object> json = HostileConfigTest.vectorJson();
      Map<String, Object> nic = (Map<String, Object>) ((List<Object>) json.get("network")).get(0);
      switch (field) {
        case "ip", "netmask", "gateway", "mac" -> nic.put(field, value);
        case "nic.nameservers" -> nic.put("nameservers", value);
        default -> json.put(field, value);
      }
      Path ini = dir.resolve("luoyun.ini");
      Files.write(ini, HostileConfigTest.withLine("JSON=", "JSON=" + JSON.std.asString(json)));
      HostileConfigTest.NoRunner runner = new HostileConfigTest.NoRunner();

      Report r = new Configurator(Configurator.Options.of(tree.home).withRoot(tree.root).withSource(ini)
          .withNetns("osmc-none"), runner, ImageTree.CLOCK).run();

      if (r.badInput().isPresent()) {
        String refusal = r.badInput().get();
        assertThat(namedFields(field)).as("fields a refusal of a bad %s may name: %s", field, refusal)
            .anyMatch(f -> refusal.startsWith(f + ": "));
        assertThat(runner.commands).isEmpty();
        return;
      }
      for (List<String> cmd : runner.commands) {
        if (cmd.get(0).startsWith(tree.home.dir().toString())) {
          continue;
        }
        for (int i = 0; i < cmd.size(); i++) {
          boolean emptyPassphrase = i > 0 && cmd.get(0).equals("ssh-keygen") && cmd.get(i - 1).equals("-N")
              && cmd.get(i).isEmpty(); // host keys have none: ours, not the config's
          assertThat(emptyPassphrase || SAFE_ARG.matcher(cmd.get(i)).matches()).as("argument %d of %s", i, cmd).isTrue();
        }
      }
      String[] shadow = new String(Files.readAllBytes(tree.sys("etc/shadow")), StandardCharsets.ISO_8859_1).split("\n", -1);
      assertThat(shadow).hasSize(4);
      assertThat(shadow[0].split(":", -1)).hasSize(9);
      assertThat((String.join("\n", shadow[1], shadow[2], shadow[3])).getBytes(StandardCharsets.ISO_8859_1))
          .isEqualTo(ImageTree.SHADOW_REST);
      Path keys = tree.sys("root/.ssh/authorized_keys");
      if (Files.exists(keys)) {
        assertThat(Files.readAllLines(keys)).hasSize(1)
            .allSatisfy(l -> assertThat(l).matches("ssh-ed25519 [A-Za-z0-9+/=]+( [^\\p{Cntrl}]*)?"));
      }
      assertThat(Files.readAllLines(tree.sys("etc/resolv.conf"))).allSatisfy(l -> assertThat(l).matches(RESOLV_LINE));
    } finally {
      TestFiles.deleteTree(dir);
    }
  }

  /**
   * The field a refusal names: the one changed, or one checked against it (the gateway lies in
   * the NIC's subnet and is not its address; the address is not the subnet's first or last).
   */
  private static List<String> namedFields(String field) {
    return switch (field) {
      case "ip" -> List.of("network[0].ip", "network[0].gateway");
      case "netmask" -> List.of("network[0].netmask", "network[0].ip", "network[0].gateway");
      case "gateway", "mac" -> List.of("network[0]." + field);
      case "nic.nameservers" -> List.of("network[0].nameservers");
      default -> List.of(field);
    };
  }
}
