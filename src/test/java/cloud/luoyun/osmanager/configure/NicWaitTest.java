package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot's wait for NICs, with real links in a network namespace and a stand-in for udev's
 * database folder: a NIC the kernel calls eth9 that "udev" renames to ens3 and then records.
 */
class NicWaitTest {
  static final MacAddress MAC = mac(ConfiguratorTest.MAC);

  @TempDir Path udev;
  Netns ns;
  Ip ip;

  @BeforeEach
  void setUp() throws Exception {
    ns = Netns.create();
    ip = new Ip(CommandRunner.system(), Optional.of(ns.name));
  }

  @AfterEach
  void tearDown() throws Exception {
    ns.close();
  }

  static MacAddress mac(String s) {
    try {
      return MacAddress.parse("mac", s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  int index(String name) throws Exception {
    return ip.links().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow().index();
  }

  @Test
  void aNicIsKnownByTheNameUdevGaveItOnceUdevRecordedIt() throws Exception {
    CompletableFuture<Void> udevd = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(300);
        ns.nic("eth9", ConfiguratorTest.MAC, "far0");
        Thread.sleep(300); // the kernel's name is visible for a while
        ns.ip("link", "set", "dev", "eth9", "name", "ens3");
        Files.writeString(udev.resolve("n" + index("ens3")), "I:1\n");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    NicWait.Result r = new NicWait(ip, Optional.of(udev), Duration.ofSeconds(20)).await(List.of(MAC));
    udevd.get(10, TimeUnit.SECONDS);

    assertThat(r.complete()).as(r.toString()).isTrue();
    assertThat(r.links()).filteredOn(l -> l.mac().equals(Optional.of(MAC))).extracting(Ip.Link::name)
        .containsExactly("ens3");
  }

  @Test
  void aNicUdevHasNotRecordedIsNotReadyAtTheLimit() throws Exception {
    ns.nic("eth9", ConfiguratorTest.MAC, "far0");

    NicWait.Result r = new NicWait(ip, Optional.of(udev), Duration.ofMillis(300)).await(List.of(MAC));

    assertThat(r.complete()).isFalse();
    assertThat(r.missing()).isEmpty();
    assertThat(r.uninitialized()).containsExactly("eth9");
  }

  @Test
  void aMacNoNicHasEndsTheWaitAtTheLimit() throws IOException, InterruptedException {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    MacAddress other = mac("52:54:00:aa:bb:cc");

    NicWait.Result r = new NicWait(ip, Optional.empty(), Duration.ofMillis(300)).await(List.of(MAC, other));

    assertThat(r.complete()).isFalse();
    assertThat(r.missing()).containsExactly(other);
    assertThat(r.uninitialized()).isEmpty();
  }

  @Test
  void withoutUdevANicThatExistsIsReady() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");

    NicWait.Result r = new NicWait(ip, Optional.empty(), Duration.ofSeconds(20)).await(List.of(MAC));

    assertThat(r.complete()).isTrue();
    assertThat(r.links()).extracting(Ip.Link::name).contains("ens3");
  }
}
