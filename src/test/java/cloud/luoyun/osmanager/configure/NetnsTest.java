package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The test helper itself: a namespace never outlives a set-up that failed half-way. */
class NetnsTest {

  @Test
  void aNamespaceWhoseNicCannotBeMadeIsRemovedAgain() throws Exception {
    String name = Netns.randomName();
    try {
      assertThatThrownBy(() -> Netns.create(name).nic("a-name-too-long-for-linux", ConfiguratorTest.MAC, "far0"))
          .isInstanceOf(IOException.class);

      assertThat(Netns.sh("ip", "netns", "list")).doesNotContain(name);
    } finally {
      new ProcessBuilder("ip", "netns", "del", name).redirectErrorStream(true).start().waitFor();
    }
  }
}
