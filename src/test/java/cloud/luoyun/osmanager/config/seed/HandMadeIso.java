package cloud.luoyun.osmanager.config.seed;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * ISO9660 images put together byte by byte, for what no producer writes: Rock Ridge names and
 * continuation areas that break the rules. Sector 16 holds the primary descriptor (label
 * {@code cidata}), 17 the terminator, 18 the top folder (its "." record carries SUSP's
 * {@code SP}, so names are Rock Ridge's); sectors from 19 are the test's.
 */
final class HandMadeIso {
  static final int SECTOR = 2048;
  static final int TOP = 18;

  private final byte[] image;
  private int topEnd;

  HandMadeIso(int sectors) {
    image = new byte[sectors * SECTOR];
    int pvd = 16 * SECTOR;
    image[pvd] = 1;
    put(pvd + 1, ascii("CD001"));
    image[pvd + 6] = 1;
    put(pvd + 40, ascii("cidata"));
    both32(pvd + 80, sectors);
    image[pvd + 128] = 0;
    image[pvd + 129] = 8; // 2048, little-endian
    put(pvd + 156, record("\0", TOP, SECTOR, true));
    int end = 17 * SECTOR;
    image[end] = (byte) 255;
    put(end + 1, ascii("CD001"));
    image[end + 6] = 1;
    byte[] sp = {'S', 'P', 7, 1, (byte) 0xbe, (byte) 0xef, 0};
    byte[] dot = record("\0", TOP, SECTOR, true, sp);
    byte[] dotDot = record("\1", TOP, SECTOR, true);
    put(TOP * SECTOR, dot);
    put(TOP * SECTOR + dot.length, dotDot);
    topEnd = TOP * SECTOR + dot.length + dotDot.length;
  }

  /** Appends a record to the top folder. */
  HandMadeIso addToTop(byte[] record) {
    put(topEnd, record);
    topEnd += record.length;
    return this;
  }

  HandMadeIso put(int at, byte[] bytes) {
    System.arraycopy(bytes, 0, image, at, bytes.length);
    return this;
  }

  byte[] bytes() {
    return image.clone();
  }

  /** A directory record; {@code name} is the primary name, Latin-1. */
  static byte[] record(String name, int extent, int dataLength, boolean folder,
      byte[]... systemUse) {
    byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream su = new ByteArrayOutputStream();
    for (byte[] entry : systemUse) {
      su.writeBytes(entry);
    }
    int base = 33 + n.length + (n.length % 2 == 0 ? 1 : 0);
    int length = base + su.size();
    length += length % 2;
    if (length > 255) {
      throw new IllegalArgumentException("record of " + length + " bytes");
    }
    byte[] r = new byte[length];
    r[0] = (byte) length;
    le32(r, 2, extent);
    le32(r, 10, dataLength);
    r[25] = (byte) (folder ? 2 : 0);
    r[28] = 1;
    r[32] = (byte) n.length;
    System.arraycopy(n, 0, r, 33, n.length);
    System.arraycopy(su.toByteArray(), 0, r, base, su.size());
    return r;
  }

  /** A Rock Ridge NM entry. */
  static byte[] nm(int flags, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] e = new byte[5 + n.length];
    e[0] = 'N';
    e[1] = 'M';
    e[2] = (byte) e.length;
    e[3] = 1;
    e[4] = (byte) flags;
    System.arraycopy(n, 0, e, 5, n.length);
    return e;
  }

  /** A SUSP CE entry: more entries at {@code block}, {@code offset}, {@code length} bytes. */
  static byte[] ce(int block, int offset, int length) {
    byte[] e = new byte[28];
    e[0] = 'C';
    e[1] = 'E';
    e[2] = 28;
    e[3] = 1;
    both32(e, 4, block);
    both32(e, 12, offset);
    both32(e, 20, length);
    return e;
  }

  private void both32(int at, int value) {
    both32(image, at, value);
  }

  private static void both32(byte[] b, int at, int value) {
    le32(b, at, value);
    b[at + 4] = (byte) (value >>> 24);
    b[at + 5] = (byte) (value >>> 16);
    b[at + 6] = (byte) (value >>> 8);
    b[at + 7] = (byte) value;
  }

  static void le32(byte[] b, int at, long value) {
    b[at] = (byte) value;
    b[at + 1] = (byte) (value >>> 8);
    b[at + 2] = (byte) (value >>> 16);
    b[at + 3] = (byte) (value >>> 24);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
