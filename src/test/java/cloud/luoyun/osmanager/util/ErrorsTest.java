package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {
  @TempDir Path tmp;

  @Test
  void aFileErrorSaysTheFileAndWhy() {
    assertThat(Errors.describe(new AccessDeniedException("/etc/shadow"))).isEqualTo("/etc/shadow: permission denied");
    assertThat(Errors.reason(new AccessDeniedException("/etc/shadow"))).isEqualTo("permission denied");
    assertThat(Errors.describe(new NoSuchFileException("/LuoYun/conf/luoyun.conf")))
        .isEqualTo("/LuoYun/conf/luoyun.conf: no such file or directory");
    assertThat(Errors.describe(new FileSystemException("/etc/hosts", null, "Read-only file system")))
        .isEqualTo("/etc/hosts: read-only file system");
  }

  @Test
  void theRootReasonIsTheInnermostCauseThatSaysSomething() {
    IOException refused = new java.net.ConnectException("Connection refused");
    Exception wrapped = new java.util.concurrent.CompletionException(new IOException("connect failed", refused));

    assertThat(Errors.rootReason(wrapped)).isEqualTo("connection refused");
    assertThat(Errors.rootReason(new IOException(new AccessDeniedException("/root/.ssh"))))
        .isEqualTo("/root/.ssh: permission denied");
    assertThat(Errors.rootReason(new IllegalStateException(new java.util.concurrent.TimeoutException())))
        .isEqualTo("TimeoutException");
    java.net.ConnectException timedOut = new java.net.ConnectException("I/O connection time-out of 1000ms expired");
    timedOut.initCause(new java.util.concurrent.TimeoutException());
    assertThat(Errors.rootReason(timedOut)).isEqualTo("I/O connection time-out of 1000ms expired");
    assertThat(Errors.rootReason(null)).isEqualTo("unknown error");
  }

  @Test
  void theRootIsTheInnermostCauseItself() {
    IOException refused = new java.net.ConnectException("Connection refused");
    Exception wrapped = new java.util.concurrent.CompletionException(new IOException("connect failed", refused));

    assertThat(Errors.root(wrapped)).isSameAs(refused);
    assertThat(Errors.root(refused)).isSameAs(refused);
  }

  @Test
  void aRealFileErrorOfTheOperatingSystemKeepsItsReason() throws IOException {
    Path file = Files.writeString(tmp.resolve("f"), "x");
    Throwable e = catchThrowable(() -> Files.createDirectory(file.resolve("sub")));

    assertThat(e).isInstanceOf(IOException.class);
    assertThat(Errors.describe(e)).isEqualTo(file.resolve("sub") + ": not a directory");
  }

  @Test
  void aWrappedCauseIsAddedUnlessTheMessageSaysItAlready() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      BindException bind = new BindException("Address already in use");
      IOException jetty = new IOException("Failed to bind to 127.0.0.1:" + taken.getLocalPort(), bind);

      assertThat(Errors.describe(jetty))
          .isEqualTo("failed to bind to 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
    }
    IOException repeats = new IOException("java.io.IOException: Connection refused", new IOException("Connection refused"));
    assertThat(Errors.describe(repeats)).isEqualTo("java.io.IOException: Connection refused");
  }

  @Test
  void anExceptionWithoutAMessageIsNamedByItsKind() {
    assertThat(Errors.describe(new NullPointerException())).isEqualTo("NullPointerException");
  }
}
