package cloud.luoyun.osmanager.configure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

/**
 * The lock shadow-utils takes around edits of the password files ({@code lckpwdf(3)}): a POSIX
 * write lock ({@code fcntl F_SETLK}, which is what {@link FileChannel#lock} uses on Linux) on
 * {@code etc/.pwd.lock}, created mode 0600, waited for at most 15 s as glibc does. Holding it keeps
 * {@code passwd}, {@code useradd} and {@code chpasswd} from writing shadow at the same time.
 */
final class PasswdLock implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(15);

  private final FileChannel channel;
  private final FileLock lock;

  private PasswdLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static PasswdLock acquire(Path lockFile) throws IOException, InterruptedException {
    return acquire(lockFile, WAIT);
  }

  static PasswdLock acquire(Path lockFile, Duration wait) throws IOException, InterruptedException {
    FileChannel ch = FileChannel.open(lockFile, Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        java.nio.file.LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(SysFiles.RW_OWNER));
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        FileLock l;
        try {
          l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          l = null; // held by another thread of this JVM
        }
        if (l != null) {
          return new PasswdLock(ch, l);
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IOException(lockFile + " is locked by another program (waited " + wait.toMillis() + " ms)");
        }
        Thread.sleep(50);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
