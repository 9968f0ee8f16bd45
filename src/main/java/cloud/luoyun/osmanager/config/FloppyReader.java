package cloud.luoyun.osmanager.config;

import de.waldheinz.fs.FsDirectoryEntry;
import de.waldheinz.fs.FsFile;
import de.waldheinz.fs.fat.FatFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads {@code luoyun.ini} from where the cloud put it: a floppy device such as {@code /dev/fd0},
 * a floppy image (also the compute node's truncated one, SPEC §3, which ends where luoyun.ini's
 * data ends; an image that ends sooner is refused), or a plain {@code luoyun.ini} text file. The kind is told by content, not by name: a FAT boot sector means a volume, anything
 * else is taken as the text itself. The volume is read directly (fat32-lib), never mounted, so it
 * works in guests and containers without a vfat module.
 *
 * <p>Stateless and thread-safe. Never allocates by a size read from the source beyond the limits
 * below.
 */
public final class FloppyReader {
  /** The file the compute node writes. */
  public static final String FILE_NAME = "luoyun.ini";
  /** Largest luoyun.ini accepted (the compute node's layout holds 3584 bytes). */
  public static final int MAX_CONFIG_BYTES = 64 << 10;

  /** The source exists but holds no medium (a floppy drive without a disk). */
  public static final class NoMediumException extends IOException {
    private static final long serialVersionUID = 1L;

    NoMediumException(Path source, String reason) {
      super(source + ": no floppy in the drive (" + reason + ")");
    }
  }

  private FloppyReader() {}

  /**
   * Returns the bytes of luoyun.ini, exactly as stored.
   *
   * @throws java.nio.file.NoSuchFileException when {@code source} does not exist
   * @throws NoMediumException when the device has no disk in it
   * @throws IOException when the source is unreadable, not a usable FAT volume, ends before
   *     the bytes of luoyun.ini or of the tables that lead to it, has no luoyun.ini, or holds one
   *     larger than {@link #MAX_CONFIG_BYTES}
   */
  public static byte[] read(Path source) throws IOException {
    try (FileChannel channel = open(source)) {
      byte[] first = new byte[512];
      int n = readFully(channel, 0, first, source);
      if (FatGeometry.looksLikeBootSector(first, n)) {
        return readFromVolume(channel, FatGeometry.parse(first), source);
      }
      return readPlain(channel, source);
    }
  }

  private static FileChannel open(Path source) throws IOException {
    try {
      return FileChannel.open(source, StandardOpenOption.READ);
    } catch (FileSystemException e) {
      throw noMediumOr(e, source);
    }
  }

  private static int readFully(FileChannel channel, long position, byte[] into, Path source)
      throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(into);
    try {
      while (buf.hasRemaining()) {
        int n = channel.read(buf, position + buf.position());
        if (n < 0) {
          break;
        }
      }
    } catch (IOException e) {
      throw noMediumOr(e, source);
    }
    return buf.position();
  }

  /** ENXIO / ENOMEDIUM: the drive is there, the disk is not. */
  private static IOException noMediumOr(IOException e, Path source) {
    String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    if (reason != null
        && (reason.contains("No such device or address") || reason.contains("No medium found"))) {
      return new NoMediumException(source, reason);
    }
    return e;
  }

  private static byte[] readPlain(FileChannel channel, Path source) throws IOException {
    byte[] buf = new byte[MAX_CONFIG_BYTES + 1];
    int n = readFully(channel, 0, buf, source);
    if (n > MAX_CONFIG_BYTES) {
      throw new IOException(source + ": larger than " + MAX_CONFIG_BYTES
          + " bytes, not a luoyun.ini");
    }
    return Arrays.copyOf(buf, n);
  }

  private static byte[] readFromVolume(FileChannel channel, FatGeometry geometry, Path source)
      throws IOException {
    VolumeDevice device =
        new VolumeDevice(channel, source, geometry.volumeBytes(), geometry.bytesPerSector());
    try {
      geometry.checkChainsTerminate(device);
      FatFileSystem fs = FatFileSystem.read(device, true);
      for (FsDirectoryEntry entry : fs.getRoot()) {
        if (entry.isFile() && FILE_NAME.equalsIgnoreCase(entry.getName())) {
          return readFile(entry.getFile(), source);
        }
      }
      throw new IOException(source + ": the floppy holds no " + FILE_NAME);
    } catch (RuntimeException e) {
      // fat32-lib signals corrupt structures with unchecked exceptions.
      throw new IOException(source + ": not a readable FAT volume: " + e, e);
    }
  }

  private static byte[] readFile(FsFile file, Path source) throws IOException {
    long length = file.getLength();
    if (length > MAX_CONFIG_BYTES) {
      throw new IOException(source + ": " + FILE_NAME + " is " + length + " bytes (limit: "
          + MAX_CONFIG_BYTES + ")");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) length);
    file.read(0, buf);
    return buf.array();
  }
}
