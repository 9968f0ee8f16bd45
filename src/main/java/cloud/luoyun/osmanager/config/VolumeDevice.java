package cloud.luoyun.osmanager.config;

import de.waldheinz.fs.BlockDevice;
import de.waldheinz.fs.ReadOnlyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only {@link BlockDevice} over a floppy device or image whose size comes from its boot
 * sector, not from the file: Java reports length 0 for {@code /dev/fd0}, and the compute node's
 * image is shorter than the volume it describes. Bytes past the end of what is there read as
 * zeros, which is what the missing tail of such an image holds. Not thread-safe.
 */
final class VolumeDevice implements BlockDevice {
  private final FileChannel channel;
  private final long size;
  private final int sectorSize;
  private boolean closed;

  /** Does not take ownership of {@code channel}; the caller closes it. */
  VolumeDevice(FileChannel channel, long size, int sectorSize) {
    this.channel = channel;
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
    while (dest.hasRemaining()) {
      int n = channel.read(dest, position);
      if (n < 0) {
        // End of the (truncated) image: the rest of the volume is zeros.
        while (dest.hasRemaining()) {
          dest.put((byte) 0);
        }
        return;
      }
      position += n;
    }
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
