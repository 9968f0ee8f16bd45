package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.util.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The two strings a spec's network carries (a NIC's name, search domains), from an alphabet of
 * shell, keyfile and interfaces(5) metacharacters: either the checks refuse them naming the field,
 * or every file of every backend holds only lines of its own grammar, none with a character a
 * shell (ifupdown's {@code up} lines) or a keyfile list would read as more than one word.
 */
class UnseenSpecNetworkTest {
  /** What a written line may hold: a key, '=', values; no shell or quoting character, no control. */
  static final Pattern LINE = Pattern.compile("[A-Za-z0-9 ./:@+_=,;\\[\\]-]*|# managed by osmanager: [A-Za-z ;]*");

  @Provide
  Arbitrary<String> word() {
    Arbitrary<String> noise = Arbitraries.strings().withChars(";|&$`()<>\"' \n\r\t:\\/.,=*#[]{}%0123456789abcdefAF-_")
        .ofMinLength(0).ofMaxLength(24);
    Arbitrary<String> nearMiss = Arbitraries.of("ens3", "example.org", "lab.example.net").flatMap(
        base -> noise.map(n -> base + n));
    // Valid ones often enough that both a name and a search domain pass and files get written.
    Arbitrary<String> valid = Arbitraries.strings().withChars("abcxyz019").ofMinLength(1).ofMaxLength(6).list()
        .ofMinSize(1).ofMaxSize(2).map(labels -> String.join(".", labels));
    return Arbitraries.frequencyOf(Tuple.of(1, noise), Tuple.of(1, nearMiss), Tuple.of(3, valid));
  }

  /** Both branches must be taken often, or the property checks little. */
  private static void coverage() {
    Statistics.coverage(c -> {
      c.check("written").percentage(p -> p >= 10);
      c.check("refused").percentage(p -> p >= 10);
    });
  }

  @Property(tries = 100)
  void aHostileNameOrSearchDomainNeverReachesAFileAsMoreThanAValue(@ForAll("word") String name,
      @ForAll("word") String search) throws Exception {
    Nic nic = new Nic(Optional.empty(), Optional.of(name), OptionalInt.of(1500),
        List.of(SpecNetworkTest.cidr("10.0.0.5/24"), SpecNetworkTest.cidr("2001:db8::5/64")), true, false, true,
        Optional.of(SpecNetworkTest.ip("10.0.0.1")), Optional.empty(), List.of(), List.of(SpecNetworkTest.ip("10.0.0.53")),
        List.of(search));
    Network network = new Network(List.of(nic), List.of(), List.of(search));
    try {
      ApplyChecks.check(network);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).matches("(network\\[0\\]\\.name|network\\[0\\]\\.search\\[0\\]): .*");
      Statistics.collect("refused");
      coverage();
      return;
    }
    Statistics.collect("written");
    coverage();
    Path dir = Files.createTempDirectory("osmc-prop");
    try {
      for (String backend : List.of("ifupdown", "networkd", "NetworkManager")) {
        ImageTree tree = new ImageTree(dir.resolve(backend));
        Path files = switch (backend) {
          case "networkd" -> {
            tree.disable("networking.service");
            tree.enable("systemd-networkd.service", "multi-user.target");
            yield Files.createDirectories(tree.sys("etc/systemd/network"));
          }
          case "NetworkManager" -> {
            Files.createDirectories(tree.sys("usr/sbin"));
            Files.writeString(tree.sys("usr/sbin/NetworkManager"), "");
            tree.installUnit("NetworkManager.service");
            tree.enable("NetworkManager.service", "multi-user.target");
            yield tree.sys("etc/NetworkManager/system-connections");
          }
          default -> tree.sys("etc/network/interfaces.d");
        };
        InstanceSpec spec = SpecNetworkTest.spec(network);
        // An image tree: the NIC is named by the spec, ip sees no link of the build host's.
        CommandRunner noLinks = (argv, timeout, env) -> new Processes.Result(0, false, "[]");
        Context c = new Context(spec, Configurator.Options.of(tree.home).withRoot(tree.root), noLinks);

        StepResult r = new NetworkFilesStep().apply(c);
        new NameServerStep().apply(c);

        assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.CHANGED);
        try (var written = Files.list(files)) {
          for (Path f : written.toList()) {
            assertThat(Files.readString(f, StandardCharsets.ISO_8859_1).lines()).as("%s", f)
                .allSatisfy(l -> assertThat(l).matches(LINE));
          }
        }
        assertThat(Files.readAllLines(tree.sys("etc/resolv.conf"))).allSatisfy(l -> assertThat(l)
            .matches("# managed by osmanager: name servers from the NoCloud seed|nameserver 10\\.0\\.0\\.53"
                + "|search [A-Za-z0-9._-]+"));
      }
    } finally {
      TestFiles.deleteTree(dir);
    }
  }
}
