package cloud.luoyun.osmanager.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDateTime;

/**
 * Writes a config floppy image in the layout a LuoYun compute node writes (SPEC §3), byte for
 * byte: a 1 MiB volume that calls itself FAT16 in its boot sector but has FAT12's cluster count,
 * one file {@code luoyun.ini} whose data starts at 0x6400 on a preallocated chain of seven
 * 512-byte clusters (3..9), and the image cut off right after the file's last byte.
 *
 * <pre>
 *   0x0000  boot sector ("mkdosfs", 512 B/sector, 1 reserved, 2 FATs, 512 root entries,
 *           2048 sectors, 8 sectors/FAT, serial F074-EEED, "FAT16   "), 0x55AA at 0x1FE
 *   0x0200  FAT #1 (FAT12 entries: media F8, chain 3-4-5-6-7-8-9-EOF)
 *   0x1200  FAT #2 (same)
 *   0x2200  root directory: LFN entry "luoyun.ini", short entry LUOYUN.INI, cluster 3, size
 *   0x6400  cluster 3: the file's bytes (at most 3584)
 * </pre>
 *
 * The FAT bytes are copied from the compute node's template as they are, including its stray
 * entry for cluster 2, so that an image written here is the one a compute node writes.
 */
public final class FloppyWriter {
  /** The most luoyun.ini bytes the layout holds: seven clusters of 512 bytes. */
  public static final int CAPACITY = 7 * 512;
  static final int DATA_OFFSET = 0x6400;

  private static final int[] BOOT_SECTOR_HEAD = {
    0xeb, 0x3c, 0x90, 'm', 'k', 'd', 'o', 's', 'f', 's', 0x00, 0x00, 0x02, 0x01, 0x01, 0x00,
    0x02, 0x00, 0x02, 0x00, 0x08, 0xf8, 0x08, 0x00, 0x20, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x29, 0xed, 0xee, 0x74, 0xf0, ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', 'F', 'A', 'T', '1', '6', ' ', ' ', ' ',
  };
  private static final int[] FAT_HEAD = {
    0xf8, 0xff, 0xff, 0xff, 0x40, 0x00, 0x05, 0x60, 0x00, 0x07, 0x80, 0x00, 0x09, 0xf0, 0xff,
  };
  private static final int[] FAT_OFFSETS = {0x0200, 0x1200};
  private static final int ROOT_DIR = 0x2200;
  /** Long-name entry for "luoyun.ini"; 0xCA is the checksum of the short name below. */
  private static final int[] LFN_ENTRY = {
    0x41, 'l', 0, 'u', 0, 'o', 0, 'y', 0, 'u', 0, 0x0f, 0x00, 0xca, 'n', 0,
    '.', 0, 'i', 0, 'n', 0, 'i', 0, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
  };
  private static final String SHORT_NAME = "LUOYUN  INI";

  private FloppyWriter() {}

  /**
   * Returns the image holding {@code ini} as luoyun.ini, stamped with {@code modified} (local
   * time, as FAT keeps it).
   *
   * @throws IOException when {@code ini} is empty or larger than {@link #CAPACITY}
   */
  public static byte[] image(byte[] ini, LocalDateTime modified) throws IOException {
    if (ini.length == 0) {
      throw new IOException("empty");
    }
    if (ini.length > CAPACITY) {
      throw new IOException(ini.length + " bytes; a config floppy holds at most " + CAPACITY);
    }
    ByteBuffer img = ByteBuffer.allocate(DATA_OFFSET + ini.length).order(ByteOrder.LITTLE_ENDIAN);
    put(img, 0, BOOT_SECTOR_HEAD);
    img.put(0x1fe, (byte) 0x55).put(0x1ff, (byte) 0xaa);
    for (int fat : FAT_OFFSETS) {
      put(img, fat, FAT_HEAD);
    }
    put(img, ROOT_DIR, LFN_ENTRY);
    int e = ROOT_DIR + 32;
    for (int i = 0; i < SHORT_NAME.length(); i++) {
      img.put(e + i, (byte) SHORT_NAME.charAt(i));
    }
    short time = dosTime(modified);
    short date = dosDate(modified);
    img.put(e + 11, (byte) 0x20); // archive
    img.putShort(e + 14, time).putShort(e + 16, date); // created
    img.putShort(e + 18, date); // accessed
    img.putShort(e + 22, time).putShort(e + 24, date); // modified
    img.putShort(e + 26, (short) 3); // first cluster
    img.putInt(e + 28, ini.length);
    img.put(DATA_OFFSET, ini);
    return img.array();
  }

  private static void put(ByteBuffer img, int offset, int[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      img.put(offset + i, (byte) bytes[i]);
    }
  }

  private static short dosTime(LocalDateTime t) {
    return (short) (t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2);
  }

  private static short dosDate(LocalDateTime t) {
    int year = Math.min(Math.max(t.getYear(), 1980), 2107);
    return (short) ((year - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth());
  }
}
