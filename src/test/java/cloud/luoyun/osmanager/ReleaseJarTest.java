package cloud.luoyun.osmanager;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a clone without a release's commit (a shallow one) hears, before anything is built. */
class ReleaseJarTest {
  @Test
  void aCommitMissingFromTheHistoryFailsWithALineSayingWhatToDo() {
    assertThatThrownBy(() -> ReleaseJar.of("0.0.1", "0000000000000000000000000000000000000001"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageMatching("release 0\\.0\\.1 is commit 0{39}1, which is not in the history of \\S+ "
            + "\\(a shallow clone\\?\\): fetch the whole history \\(git fetch --unshallow\\) to build it");
  }
}
