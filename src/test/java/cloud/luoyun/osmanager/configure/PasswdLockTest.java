package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shadow-utils lock: a POSIX record lock on etc/.pwd.lock, honoured across processes. */
class PasswdLockTest {
  @TempDir Path tmp;

  @Test
  void waitsForAndThenGivesUpOnALockAnotherProcessHolds() throws Exception {
    Path lock = tmp.resolve(".pwd.lock");
    Path holder = tmp.resolve("Holder.java");
    Files.writeString(holder, """
        import java.nio.channels.FileChannel;
        import java.nio.file.*;
        public class Holder {
          public static void main(String[] a) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 var l = ch.lock()) {
              System.out.println("locked");
              System.out.flush();
              System.in.read();
            }
          }
        }
        """);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        holder.toString(), lock.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
      assertThat(out.readLine()).isEqualTo("locked");

      assertThatThrownBy(() -> PasswdLock.acquire(lock, Duration.ofMillis(300)))
          .hasMessageContaining("is locked by another program");

      p.getOutputStream().close(); // the holder exits and its lock goes with it
      p.waitFor();
      try (PasswdLock l = PasswdLock.acquire(lock, Duration.ofSeconds(5))) {
        assertThat(ConfiguratorTest.mode(lock)).isNotEmpty();
      }
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void createsTheLockFilePrivate() throws Exception {
    Path lock = tmp.resolve(".pwd.lock");
    try (PasswdLock l = PasswdLock.acquire(lock)) {
      assertThat(ConfiguratorTest.mode(lock)).isEqualTo("rw-------");
    }
  }
}
