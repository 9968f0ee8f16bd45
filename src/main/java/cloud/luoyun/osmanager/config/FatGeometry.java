package cloud.luoyun.osmanager.config;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The layout a FAT12/FAT16 boot sector describes, checked before fat32-lib sees it: the library
 * allocates its in-memory FAT by the sizes written here and follows cluster chains without a
 * cycle check, so a hostile or corrupt floppy could otherwise exhaust a small VM's memory or hang
 * the boot. Limits are generous for a config floppy (1.44 MB) and far below harm. Public for the
 * other clouds' vfat seed volumes ({@code config.seed}), which are as small.
 */
public record FatGeometry(int bytesPerSector, int sectorsPerCluster, int reservedSectors,
    int fatCount, int rootEntries, long totalSectors, int sectorsPerFat, long clusterCount) {

  /** Largest volume accepted: a config floppy is 1 MiB; anything past this is not ours. */
  static final long MAX_VOLUME_BYTES = 64L << 20;
  /** Largest FAT accepted (a FAT16 with 65524 clusters needs 128 KiB). */
  static final int MAX_FAT_BYTES = 256 << 10;

  public static boolean looksLikeBootSector(byte[] sector, int length) {
    return length >= 512
        && (sector[510] & 0xff) == 0x55 && (sector[511] & 0xff) == 0xaa
        && ((sector[0] & 0xff) == 0xeb || (sector[0] & 0xff) == 0xe9);
  }

  public static FatGeometry parse(byte[] sector) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(sector).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int bps = b.getShort(0x0b) & 0xffff;
    int spc = b.get(0x0d) & 0xff;
    int reserved = b.getShort(0x0e) & 0xffff;
    int fats = b.get(0x10) & 0xff;
    int rootEntries = b.getShort(0x11) & 0xffff;
    long total = b.getShort(0x13) & 0xffff;
    if (total == 0) {
      total = b.getInt(0x20) & 0xffffffffL;
    }
    int spf = b.getShort(0x16) & 0xffff;
    if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) {
      throw bad("bytes per sector is " + bps + " (expected: 512, 1024, 2048 or 4096)");
    }
    if (spc == 0 || Integer.bitCount(spc) != 1) {
      throw bad("sectors per cluster is " + spc + " (expected: a power of two up to 128)");
    }
    if (reserved < 1 || fats < 1 || fats > 2) {
      throw bad("reserved sectors " + reserved + ", FAT count " + fats);
    }
    if (spf == 0) {
      throw bad("sectors per FAT is 0 (FAT32 is not a config floppy)");
    }
    if ((long) spf * bps > MAX_FAT_BYTES) {
      throw bad("FAT of " + (long) spf * bps + " bytes (limit: " + MAX_FAT_BYTES + ")");
    }
    if (rootEntries == 0) {
      throw bad("root directory has no entries");
    }
    if (total * bps > MAX_VOLUME_BYTES) {
      throw bad("volume of " + total * bps + " bytes (limit: " + MAX_VOLUME_BYTES + ")");
    }
    long rootSectors = ((long) rootEntries * 32 + bps - 1) / bps;
    long firstData = reserved + (long) fats * spf + rootSectors;
    if (firstData >= total) {
      throw bad("no data area (" + total + " sectors, data would start at " + firstData + ")");
    }
    long clusters = (total - firstData) / spc;
    if (clusters >= 65525) {
      throw bad(clusters + " clusters: FAT32 is not a config floppy");
    }
    FatGeometry g = new FatGeometry(bps, spc, reserved, fats, rootEntries, total, spf, clusters);
    long needed = g.isFat12() ? (clusters + 2) * 3 / 2 + 1 : (clusters + 2) * 2;
    if (needed > (long) spf * bps) {
      throw bad("FAT of " + (long) spf * bps + " bytes cannot hold " + clusters + " clusters");
    }
    return g;
  }

  public boolean isFat12() {
    return clusterCount < 4085;
  }

  public long volumeBytes() {
    return totalSectors * bytesPerSector;
  }

  /**
   * Reads the first FAT and fails when any cluster chain loops; fat32-lib would follow such a
   * chain forever.
   */
  public void checkChainsTerminate(VolumeDevice device) throws IOException {
    ByteBuffer fat = ByteBuffer.allocate(sectorsPerFat * bytesPerSector);
    device.read((long) reservedSectors * bytesPerSector, fat);
    byte[] f = fat.array();
    int n = (int) clusterCount + 2;
    byte[] state = new byte[n]; // 0 unseen, 1 on the current walk, 2 known to end
    for (int start = 2; start < n; start++) {
      int c = start;
      while (c >= 2 && c < n && state[c] == 0) {
        state[c] = 1;
        c = next(f, c);
      }
      if (c >= 2 && c < n && state[c] == 1) {
        throw bad("cluster chain through cluster " + c + " loops");
      }
      for (c = start; c >= 2 && c < n && state[c] == 1; c = next(f, c)) {
        state[c] = 2;
      }
    }
  }

  private int next(byte[] fat, int cluster) {
    if (isFat12()) {
      int i = cluster * 3 / 2;
      int v = (fat[i] & 0xff) | (fat[i + 1] & 0xff) << 8;
      return (cluster & 1) == 0 ? v & 0xfff : v >>> 4;
    }
    return (fat[cluster * 2] & 0xff) | (fat[cluster * 2 + 1] & 0xff) << 8;
  }

  private static IOException bad(String what) {
    return new IOException("not a usable config floppy: " + what);
  }
}
