package cloud.luoyun.osmanager.config;

import de.waldheinz.fs.BlockDevice;
import de.waldheinz.fs.ReadOnlyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A read-only {@link BlockDevice} over a floppy device or image whose size comes from its boot
 * sector, not from the file: Java reports length 0 for {@code /dev/fd0}, and the compute node's
 * image is shorter than the volume it describes. That image ends where luoyun.ini's data ends,
 * so every byte a reader asks for (the boot sector, the FATs, the root folder, the file's data)
 * must be there: a read that runs past the end is refused as a truncated image, never padded
 * with zeros (a missing last byte of luoyun.ini would become a NUL). Not thread-safe.
 */
public final class VolumeDevice implements BlockDevice {
  private final FileChannel channel;
  private final Path source;
  private final long size;
  private final int sectorSize;
  private boolean closed;

  /**
   * Does not take ownership of {@code channel}; the caller closes it. {@code source} names it in
   * messages.
   */
  public VolumeDevice(FileChannel channel, Path source, long size, int sectorSize) {
    this.channel = channel;
    this.source = source;
    this.size = size;
    this.sectorSize = sectorSize;
  }

  @Override
  public long getSize() {
    return size;
  }

  @Override
  public void read(long offset, ByteBuffer dest) throws IOException {
    if (offset < 0 || offset + dest.remaining() > size) {
      throw new IOException("read of " + dest.remaining() + " bytes at " + offset
          + " is outside the volume (" + size + " bytes)");
    }
    long position = offset;
    long end = offset + dest.remaining();
    while (dest.hasRemaining()) {
      int n = channel.read(dest, position);
      if (n < 0) {
        throw truncated(position, end);
      }
      position += n;
    }
  }

  private IOException truncated(long missing, long neededTo) throws IOException {
    long length = channel.size(); // 0 for a block device
    String end = length > 0 ? "the image ends at byte " + length : "the device ends before byte " + missing;
    return new IOException(source + ": truncated: " + end
        + ", but the volume's tables and files need bytes up to " + neededTo);
  }

  @Override
  public void write(long offset, ByteBuffer src) throws ReadOnlyException {
    throw new ReadOnlyException();
  }

  @Override
  public void flush() {}

  @Override
  public int getSectorSize() {
    return sectorSize;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }
}
