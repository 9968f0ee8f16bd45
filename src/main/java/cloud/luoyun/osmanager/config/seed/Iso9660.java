package cloud.luoyun.osmanager.config.seed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * An ISO9660 image or CD-ROM read in place, by positional reads, as genisoimage, xorriso and
 * cloud-localds write seeds. Names come from Rock Ridge when the image has it (the SUSP {@code SP}
 * entry in the top folder's "." record), else from Joliet, else the primary names. The layout:
 *
 * <pre>
 * sector 16, 17, ...  volume descriptors, 2048 bytes each:
 *   0 type (1 primary, 2 supplementary, 255 end)   1..5 "CD001"
 *   40..71 volume id     80 volume size in blocks (LE)    88..90 Joliet escape (%/@ %/C %/E)
 *   128 block size (LE)  156 the top folder's directory record
 * directory record (never crosses a sector; length 0 means "go to the next sector"):
 *   0 length  2 extent block (LE)  10 data length (LE)  25 flags (2 folder, 128 multi-extent)
 *   26 unit size  27 gap  32 name length  33 name, a pad byte when the length is even,
 *   then the system-use area: SUSP entries, signature(2) length(1) version(1) data:
 *   SP (in "." of the top folder: skip length at 6), NM (flags at 4, 1 = continues; name from 5),
 *   CE (block at 4, offset at 12, length at 20: more entries elsewhere), SL (a symbolic link),
 *   ST (end of the entries)
 * </pre>
 *
 * <p>Every extent and length is checked against the image's size (its file or device size, else
 * the size the primary descriptor gives) before anything is read or allocated; a folder is
 * read one sector at a time. Folders relocated by Rock Ridge (CL/RE, paths deeper than 8) are not
 * followed: seeds are two folders deep. Not thread-safe.
 */
final class Iso9660 implements SeedVolume {
  /** Where a volume descriptor's "CD001" is in the first one, sector 16. */
  static final long MAGIC_OFFSET = 16 * 2048 + 1;
  static final byte[] MAGIC = {'C', 'D', '0', '0', '1'};

  private static final int SECTOR = 2048;
  private static final int FIRST_DESCRIPTOR = 16;
  /** Descriptors read before the terminator must have come (genisoimage writes 3 or 4). */
  private static final int MAX_DESCRIPTORS = 32;
  /** Largest folder read: 4096 entries of 255 bytes fit. */
  private static final long MAX_FOLDER_BYTES = 1 << 20;
  /** Longest name accepted, as in POSIX file systems. */
  static final int MAX_NAME_BYTES = 255;
  /** Continuation areas followed for one record; more means a loop. */
  static final int MAX_CONTINUATIONS = 16;

  private static final int FLAG_FOLDER = 2;
  private static final int FLAG_MULTI_EXTENT = 128;
  private static final int NM_CONTINUE = 1;
  private static final int NM_CURRENT_OR_PARENT = 2 | 4;

  /** Which of the image's names are used. */
  enum Names {
    ROCK_RIDGE,
    JOLIET,
    PRIMARY
  }

  /**
   * One directory record, as far as a reader needs it. {@code primary} says the name is a
   * primary name, matched loosely (a Rock Ridge image's record without NM has one).
   */
  record Entry(String name, boolean primary, long extent, long length, boolean folder,
      boolean link, boolean multiExtent) {}

  private final FileChannel channel;
  private final Path source;
  private final long size;
  private final Optional<String> label;
  private final Entry top;
  private final Names names;
  /** Bytes to skip at the start of each system-use area (SP's LEN_SKP). */
  private final int suspSkip;

  private Iso9660(FileChannel channel, Path source, long size, Optional<String> label, Entry top,
      Names names, int suspSkip) {
    this.channel = channel;
    this.source = source;
    this.size = size;
    this.label = label;
    this.top = top;
    this.names = names;
    this.suspSkip = suspSkip;
  }

  /** Takes ownership of {@code channel}: {@link #close()} closes it. */
  static Iso9660 open(FileChannel channel, Path source) throws IOException {
    long fileSize = channel.size(); // 0 for some devices
    byte[] primary = null;
    byte[] joliet = null;
    boolean ended = false;
    for (int i = 0; i < MAX_DESCRIPTORS && !ended; i++) {
      byte[] d = new byte[SECTOR];
      long at = (long) (FIRST_DESCRIPTOR + i) * SECTOR;
      readFully(channel, source, at, d, "volume descriptor " + i);
      if (d[1] != 'C' || d[2] != 'D' || d[3] != '0' || d[4] != '0' || d[5] != '1') {
        throw new SeedFormatException(source + ": volume descriptor " + i + " at byte " + at
            + ": no \"CD001\" (the descriptors end without a terminator)");
      }
      switch (d[0] & 0xff) {
        case 1 -> primary = primary == null ? d : primary;
        case 2 -> joliet = joliet == null && isJoliet(d) ? d : joliet;
        case 255 -> ended = true;
        default -> { } // boot record, partition: not ours
      }
    }
    if (primary == null) {
      throw new SeedFormatException(source + ": no primary volume descriptor");
    }
    int blockSize = u16(primary, 128);
    if (blockSize != SECTOR) {
      throw new SeedFormatException(
          source + ": primary volume descriptor: block size " + blockSize + " (expected: 2048)");
    }
    long size = fileSize > 0 ? fileSize : u32(primary, 80) * SECTOR;
    String id = SeedIo.trimmed(primary, 40, 32, StandardCharsets.ISO_8859_1);
    if (id.isEmpty() && joliet != null) {
      id = SeedIo.trimmed(joliet, 40, 32, StandardCharsets.UTF_16BE);
    }
    Optional<String> label = id.isEmpty() ? Optional.empty() : Optional.of(id);

    Entry primaryTop = topRecord(primary, source, "primary volume descriptor");
    Iso9660 probe = new Iso9660(channel, source, size, label, primaryTop, Names.PRIMARY, 0);
    int skip = probe.suspSkip();
    if (skip >= 0) {
      return new Iso9660(channel, source, size, label, primaryTop, Names.ROCK_RIDGE, skip);
    }
    if (joliet != null) {
      Entry jolietTop = topRecord(joliet, source, "Joliet volume descriptor");
      return new Iso9660(channel, source, size, label, jolietTop, Names.JOLIET, 0);
    }
    return probe;
  }

  /** Joliet's UCS-2 levels 1, 2 and 3. */
  private static boolean isJoliet(byte[] d) {
    return d[88] == '%' && d[89] == '/' && (d[90] == '@' || d[90] == 'C' || d[90] == 'E');
  }

  private static Entry topRecord(byte[] descriptor, Path source, String where)
      throws SeedFormatException {
    int length = descriptor[156] & 0xff;
    if (length < 34 || (descriptor[156 + 25] & FLAG_FOLDER) == 0) {
      throw new SeedFormatException(source + ": " + where + ": no top folder record");
    }
    return new Entry("", false, u32(descriptor, 156 + 2), u32(descriptor, 156 + 10), true,
        false, false);
  }

  /**
   * The skip length SP gives when the top folder's "." record starts its system-use area with
   * it (SUSP, so Rock Ridge), else -1.
   */
  private int suspSkip() throws IOException {
    checkExtent(top, "top folder");
    byte[] sector = new byte[SECTOR];
    int valid = (int) Math.min(SECTOR, top.length);
    if (valid >= 34) {
      readFully(channel, source, top.extent * SECTOR, sector, valid, "top folder");
    }
    int length = sector[0] & 0xff;
    int nameLength = sector[32] & 0xff;
    if (length < 34 || length > valid || nameLength != 1) {
      throw new SeedFormatException(source + ": top folder: its first record is not \".\"");
    }
    int su = 34; // 33 + a one-byte name, odd: no pad
    if (length >= su + 7 && sector[su] == 'S' && sector[su + 1] == 'P'
        && (sector[su + 2] & 0xff) == 7 && (sector[su + 4] & 0xff) == 0xbe
        && (sector[su + 5] & 0xff) == 0xef) {
      return sector[su + 6] & 0xff;
    }
    return -1;
  }

  @Override
  public Path source() {
    return source;
  }

  @Override
  public Kind kind() {
    return Kind.ISO9660;
  }

  @Override
  public Optional<String> label() {
    return label;
  }

  /** Which names this image's folders are read by (for tests and status). */
  Names names() {
    return names;
  }

  @Override
  public Optional<byte[]> read(String relativePath, int maxBytes) throws IOException {
    List<String> parts = SeedIo.parts(relativePath);
    if (parts.isEmpty()) {
      throw new SeedFormatException(source + ": the top folder is not a file");
    }
    Optional<Entry> found = find(parts);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Entry e = found.get();
    String where = source + ": " + relativePath;
    if (e.folder) {
      throw new SeedFormatException(where + ": a folder, not a file");
    }
    if (e.link) {
      throw new SeedFormatException(where + ": a symbolic link, not a file");
    }
    if (e.multiExtent) {
      throw new SeedFormatException(where + ": stored in several extents (a file over 4 GiB)");
    }
    if (e.length > maxBytes) {
      throw new SeedFormatException(where + ": larger than " + maxBytes + " bytes");
    }
    if (e.length == 0) {
      return Optional.of(new byte[0]); // its extent may be anything, 0 often
    }
    checkExtent(e, relativePath);
    byte[] bytes = new byte[(int) e.length];
    readFully(channel, source, e.extent * SECTOR, bytes, relativePath);
    return Optional.of(bytes);
  }

  @Override
  public List<String> list(String relativeDir) throws IOException {
    List<String> parts = SeedIo.parts(relativeDir);
    Entry folder = top;
    if (!parts.isEmpty()) {
      Optional<Entry> found = find(parts);
      if (found.isEmpty()) {
        return List.of();
      }
      folder = found.get();
      if (!folder.folder) {
        throw new SeedFormatException(source + ": " + relativeDir + ": a file, not a folder");
      }
    }
    List<String> result = new ArrayList<>();
    for (Entry e : entries(folder, SeedIo.where(relativeDir))) {
      result.add(e.name);
    }
    return result;
  }

  /**
   * Walks from the top folder, refusing a folder whose extent is one of the folders already on
   * the walk (itself or an ancestor): such an image loops.
   */
  private Optional<Entry> find(List<String> parts) throws IOException {
    Set<Long> walked = new HashSet<>();
    walked.add(top.extent);
    Entry folder = top;
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      Entry match = null;
      for (Entry e : entries(folder, where.length() == 0 ? "top folder" : where.toString())) {
        if (matches(e, parts.get(i))) {
          match = e;
          break;
        }
      }
      if (where.length() > 0) {
        where.append('/');
      }
      where.append(parts.get(i));
      if (match == null) {
        return Optional.empty();
      }
      if (i == parts.size() - 1) {
        return Optional.of(match);
      }
      if (!match.folder) {
        return Optional.empty();
      }
      if (!walked.add(match.extent)) {
        throw new SeedFormatException(source + ": " + where
            + ": folder at block " + match.extent + " is itself or its ancestor (a loop)");
      }
      folder = match;
    }
    return Optional.of(folder);
  }

  private static boolean matches(Entry e, String wanted) {
    return e.primary ? loose(e.name).equals(loose(wanted)) : e.name.equals(wanted);
  }

  /** Primary names are upper case and use {@code _} for {@code -}. */
  private static String loose(String name) {
    return name.toLowerCase(Locale.ROOT).replace('-', '_');
  }

  /** The entries of a folder, without "." and "..", read one sector at a time. */
  private List<Entry> entries(Entry folder, String where) throws IOException {
    if (folder.length > MAX_FOLDER_BYTES) {
      throw new SeedFormatException(source + ": " + where + ": a folder of " + folder.length
          + " bytes (limit: " + MAX_FOLDER_BYTES + ")");
    }
    checkExtent(folder, where);
    List<Entry> result = new ArrayList<>();
    byte[] sector = new byte[SECTOR];
    long start = folder.extent * SECTOR;
    for (long offset = 0; offset < folder.length; offset += SECTOR) {
      int valid = (int) Math.min(SECTOR, folder.length - offset);
      readFully(channel, source, start + offset, sector, valid, where);
      int pos = 0;
      while (pos < valid) {
        int length = sector[pos] & 0xff;
        if (length == 0) {
          break; // the rest of the sector is padding
        }
        if (length < 34 || pos + length > valid) {
          throw new SeedFormatException(source + ": " + where + ": record at byte "
              + (offset + pos) + " has length " + length + " (expected: 34 to " + (valid - pos)
              + ")");
        }
        int nameLength = sector[pos + 32] & 0xff;
        if (33 + nameLength > length) {
          throw new SeedFormatException(source + ": " + where + ": record at byte "
              + (offset + pos) + " has a name of " + nameLength + " bytes in " + length);
        }
        boolean dotOrDotDot = nameLength == 1 && (sector[pos + 33] == 0 || sector[pos + 33] == 1);
        if (!dotOrDotDot) {
          if (result.size() == SeedVolume.MAX_ENTRIES) {
            throw new SeedFormatException(source + ": " + where + ": more than "
                + SeedVolume.MAX_ENTRIES + " entries");
          }
          Entry e = entry(sector, pos, length, nameLength, where);
          if (e != null) {
            result.add(e);
          }
        }
        pos += length;
      }
    }
    return result;
  }

  /** One record; null for one Rock Ridge hides (RE: relocated). */
  private Entry entry(byte[] sector, int pos, int length, int nameLength, String where)
      throws IOException {
    int flags = sector[pos + 25] & 0xff;
    long extent = u32(sector, pos + 2);
    long dataLength = u32(sector, pos + 10);
    boolean folder = (flags & FLAG_FOLDER) != 0;
    boolean multi = (flags & FLAG_MULTI_EXTENT) != 0;
    if (sector[pos + 26] != 0 || sector[pos + 27] != 0) {
      throw new SeedFormatException(
          source + ": " + where + ": an interleaved record (unit size, gap)");
    }
    String name;
    boolean primary = false;
    boolean link = false;
    if (names == Names.JOLIET) {
      name = stripVersion(new String(sector, pos + 33, nameLength & ~1, StandardCharsets.UTF_16BE));
    } else {
      name = null;
      if (names == Names.ROCK_RIDGE) {
        int su = pos + 33 + nameLength + ((nameLength & 1) == 0 ? 1 : 0) + suspSkip;
        Susp susp = susp(sector, su, pos + length, where);
        if (susp.relocated) {
          return null;
        }
        name = susp.name;
        link = susp.link;
      }
      if (name == null) {
        String raw = new String(sector, pos + 33, nameLength, StandardCharsets.ISO_8859_1);
        name = stripVersion(raw).toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
          name = name.substring(0, name.length() - 1);
        }
        primary = true;
      }
    }
    if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0
        || name.equals(".") || name.equals("..")) {
      throw new SeedFormatException(source + ": " + where + ": an entry named \""
          + name.replace("\0", "\\0") + "\"");
    }
    return new Entry(name, primary, extent, dataLength, folder, link, multi);
  }

  private static String stripVersion(String name) {
    int semicolon = name.lastIndexOf(';');
    if (semicolon >= 0 && name.substring(semicolon + 1).chars().allMatch(Character::isDigit)) {
      return name.substring(0, semicolon);
    }
    return name;
  }

  /** What a record's SUSP entries say: its Rock Ridge name (null without NM), link, hidden. */
  private record Susp(String name, boolean link, boolean relocated) {}

  /**
   * Reads the SUSP entries of one record, following CE continuation areas (at most
   * {@link #MAX_CONTINUATIONS}, each within one sector and within the image).
   */
  private Susp susp(byte[] area, int from, int to, String where) throws IOException {
    ByteArrayOutputStream name = null;
    boolean nameDone = false;
    boolean link = false;
    boolean relocated = false;
    int continuations = 0;
    byte[] bytes = area;
    int pos = from;
    int end = to;
    while (true) {
      long ceBlock = -1;
      long ceOffset = 0;
      long ceLength = 0;
      while (pos + 4 <= end) {
        int length = bytes[pos + 2] & 0xff;
        if (length < 4 || pos + length > end) {
          break; // padding or a broken entry: no more entries here
        }
        char a = (char) (bytes[pos] & 0xff);
        char b = (char) (bytes[pos + 1] & 0xff);
        if (a == 'S' && b == 'T') {
          break;
        } else if (a == 'N' && b == 'M' && length >= 5 && !nameDone) {
          int nmFlags = bytes[pos + 4] & 0xff;
          if ((nmFlags & NM_CURRENT_OR_PARENT) == 0) {
            if (name == null) {
              name = new ByteArrayOutputStream();
            }
            name.write(bytes, pos + 5, length - 5);
            if (name.size() > MAX_NAME_BYTES) {
              throw new SeedFormatException(source + ": " + where
                  + ": a Rock Ridge name longer than " + MAX_NAME_BYTES + " bytes");
            }
            nameDone = (nmFlags & NM_CONTINUE) == 0;
          }
        } else if (a == 'C' && b == 'E' && length >= 28) {
          ceBlock = u32(bytes, pos + 4);
          ceOffset = u32(bytes, pos + 12);
          ceLength = u32(bytes, pos + 20);
        } else if (a == 'S' && b == 'L') {
          link = true;
        } else if (a == 'R' && b == 'E') {
          relocated = true;
        }
        pos += length;
      }
      if (ceBlock < 0) {
        break;
      }
      if (++continuations > MAX_CONTINUATIONS) {
        throw new SeedFormatException(source + ": " + where + ": more than " + MAX_CONTINUATIONS
            + " Rock Ridge continuation areas in one record (a loop?)");
      }
      if (ceOffset + ceLength > SECTOR) {
        throw new SeedFormatException(source + ": " + where + ": Rock Ridge continuation area of "
            + ceLength + " bytes at offset " + ceOffset + " crosses its sector");
      }
      long at = ceBlock * SECTOR + ceOffset;
      if (at + ceLength > size) {
        throw new SeedFormatException(source + ": " + where + ": Rock Ridge continuation area at"
            + " byte " + at + " is beyond the image's end (" + size + " bytes)");
      }
      bytes = new byte[(int) ceLength];
      readFully(channel, source, at, bytes, where);
      pos = 0;
      end = bytes.length;
    }
    String decoded = name == null ? null : new String(name.toByteArray(), StandardCharsets.UTF_8);
    return new Susp(decoded, link, relocated);
  }

  /** Refuses an extent that is not wholly inside the image. */
  private void checkExtent(Entry e, String where) throws SeedFormatException {
    long at = e.extent * SECTOR;
    if (at + e.length > size) {
      throw new SeedFormatException(source + ": " + where + ": extent at block " + e.extent
          + " of " + e.length + " bytes is beyond the image's end (" + size + " bytes)");
    }
  }

  private static void readFully(FileChannel channel, Path source, long at, byte[] into,
      String where) throws IOException {
    readFully(channel, source, at, into, into.length, where);
  }

  private static void readFully(FileChannel channel, Path source, long at, byte[] into,
      int length, String where) throws IOException {
    int n = SeedIo.readAt(channel, at, into, length);
    if (n < length) {
      throw new SeedFormatException(source + ": " + where + ": truncated image: ends at byte "
          + (at + n) + ", needed up to " + (at + length));
    }
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  /** The little-endian half of a both-endian 32-bit field. */
  private static long u32(byte[] b, int at) {
    return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16
        | (b[at + 3] & 0xffL) << 24;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
