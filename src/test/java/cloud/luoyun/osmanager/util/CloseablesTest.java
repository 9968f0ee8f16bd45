package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseablesTest {

  @Test
  void closeAllClosesEveryOneAndReportsTheFirstFailureWithTheLaterOnesSuppressed() {
    List<String> closed = new ArrayList<>();
    IOException first = new IOException("first");
    IOException second = new IOException("second");

    assertThatThrownBy(() -> Closeables.closeAll(
        () -> { closed.add("a"); throw first; },
        null,
        () -> closed.add("b"),
        () -> { closed.add("c"); throw second; }))
        .isSameAs(first)
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
    assertThat(closed).containsExactly("a", "b", "c");
  }

  @Test
  void closeQuietlySwallowsAFailureAndAcceptsNull() {
    List<String> closed = new ArrayList<>();

    Closeables.closeQuietly(() -> { closed.add("x"); throw new IOException("ignored"); });
    Closeables.closeQuietly(null);

    assertThat(closed).containsExactly("x");
  }
}
