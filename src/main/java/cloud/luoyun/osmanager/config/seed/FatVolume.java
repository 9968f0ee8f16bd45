package cloud.luoyun.osmanager.config.seed;

import cloud.luoyun.osmanager.config.FatGeometry;
import cloud.luoyun.osmanager.config.VolumeDevice;
import de.waldheinz.fs.FsDirectory;
import de.waldheinz.fs.FsDirectoryEntry;
import de.waldheinz.fs.FsFile;
import de.waldheinz.fs.fat.FatFileSystem;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A FAT12/FAT16 image or disk read in place with fat32-lib, as {@code cloud-localds -f vfat},
 * {@code mkfs.vfat} + {@code mcopy} and LuoYun's compute node write them. The boot sector is
 * checked by {@link FatGeometry} first (sizes, and cluster chains that loop), as for the floppy.
 * Names are the long names where there are any, matched without case as a vfat mount does.
 * fat32-lib reads a whole folder at a time, so a folder's cluster chain is measured first and
 * one over {@link #MAX_FOLDER_BYTES} refused. A folder whose first cluster is one already on the
 * walk (itself or an ancestor) is refused, as on an ISO. fat32-lib 0.6.5 (pinned, and no longer
 * released) keeps that cluster package-private, so it is read by reflection ({@link #rawEntry});
 * where it cannot be, neither check is made (fat32-lib's own bounds stay: the volume's size, at
 * most 64 MiB, and the walk's depth). Not thread-safe.
 */
final class FatVolume implements SeedVolume {
  /** What FAT writes where no label was given. */
  private static final String NO_LABEL = "NO NAME";

  /** Largest folder handed to fat32-lib, which reads a folder whole: as on an ISO. */
  static final long MAX_FOLDER_BYTES = 1 << 20;

  private final FileChannel channel;
  private final Path source;
  private final FatGeometry geometry;
  private final FatFileSystem fs;

  private FatVolume(FileChannel channel, Path source, FatGeometry geometry, FatFileSystem fs) {
    this.channel = channel;
    this.source = source;
    this.geometry = geometry;
    this.fs = fs;
  }

  /**
   * Takes ownership of {@code channel}: {@link #close()} closes it. {@code bootSector} is its
   * first 512 bytes.
   */
  static FatVolume open(FileChannel channel, Path source, byte[] bootSector) throws IOException {
    FatGeometry geometry;
    try {
      geometry = FatGeometry.parse(bootSector);
    } catch (IOException e) {
      throw new SeedFormatException(source + ": boot sector: " + e.getMessage());
    }
    VolumeDevice device =
        new VolumeDevice(channel, source, geometry.volumeBytes(), geometry.bytesPerSector());
    try {
      geometry.checkChainsTerminate(device);
      return new FatVolume(channel, source, geometry, FatFileSystem.read(device, true));
    } catch (RuntimeException e) {
      throw corrupt(source, "FAT", e);
    } catch (IOException e) {
      throw named(source, "FAT", e);
    }
  }

  @Override
  public Path source() {
    return source;
  }

  @Override
  public Kind kind() {
    return Kind.VFAT;
  }

  /** The top folder's label entry, else the boot sector's; never FAT's "NO NAME". */
  @Override
  public Optional<String> label() {
    String label;
    try {
      label = fs.getVolumeLabel();
    } catch (RuntimeException e) {
      return Optional.empty(); // an unreadable label is no label
    }
    if (label == null) {
      return Optional.empty();
    }
    label = label.replace('\0', ' ').trim();
    return label.isEmpty() || label.equals(NO_LABEL) ? Optional.empty() : Optional.of(label);
  }

  @Override
  public Optional<byte[]> read(String relativePath, int maxBytes) throws IOException {
    List<String> parts = SeedIo.parts(relativePath);
    if (parts.isEmpty()) {
      throw new SeedFormatException(source + ": the top folder is not a file");
    }
    try {
      Optional<FsDirectoryEntry> found = find(parts);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      FsDirectoryEntry entry = found.get();
      if (!entry.isFile()) {
        throw new SeedFormatException(source + ": " + relativePath + ": a folder, not a file");
      }
      FsFile file = entry.getFile();
      long length = file.getLength();
      if (length > maxBytes) {
        throw new SeedFormatException(
            source + ": " + relativePath + ": larger than " + maxBytes + " bytes");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) length);
      file.read(0, buf);
      return Optional.of(buf.array());
    } catch (RuntimeException e) {
      throw corrupt(source, relativePath, e);
    } catch (SeedFormatException e) {
      throw e;
    } catch (IOException e) {
      throw named(source, relativePath, e);
    }
  }

  @Override
  public List<String> list(String relativeDir) throws IOException {
    List<String> parts = SeedIo.parts(relativeDir);
    try {
      FsDirectory folder = fs.getRoot();
      if (!parts.isEmpty()) {
        Optional<FsDirectoryEntry> found = find(parts);
        if (found.isEmpty()) {
          return List.of();
        }
        if (!found.get().isDirectory()) {
          throw new SeedFormatException(source + ": " + relativeDir + ": a file, not a folder");
        }
        folder = enter(found.get(), relativeDir, new HashSet<>());
      }
      List<String> names = new ArrayList<>();
      for (FsDirectoryEntry e : folder) {
        if (!isDotOrDotDot(e)) {
          if (names.size() == SeedVolume.MAX_ENTRIES) {
            throw new SeedFormatException(source + ": " + SeedIo.where(relativeDir)
                + ": more than " + SeedVolume.MAX_ENTRIES + " entries");
          }
          names.add(shownName(e));
        }
      }
      return names;
    } catch (RuntimeException e) {
      throw corrupt(source, SeedIo.where(relativeDir), e);
    } catch (SeedFormatException e) {
      throw e;
    } catch (IOException e) {
      throw named(source, SeedIo.where(relativeDir), e);
    }
  }

  private Optional<FsDirectoryEntry> find(List<String> parts) throws IOException {
    FsDirectory folder = fs.getRoot();
    FsDirectoryEntry match = null;
    Set<Integer> walked = new HashSet<>();
    walked.add(0); // FAT12/16's top folder has no cluster; ".." entries name it 0
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        if (!match.isDirectory()) {
          return Optional.empty();
        }
        folder = enter(match, String.join("/", parts.subList(0, i)), walked);
      }
      match = null;
      int seen = 0;
      for (FsDirectoryEntry e : folder) {
        if (++seen > SeedVolume.MAX_ENTRIES) {
          throw new SeedFormatException(source + ": "
              + SeedIo.where(String.join("/", parts.subList(0, i)))
              + ": more than " + SeedVolume.MAX_ENTRIES + " entries");
        }
        if (!isDotOrDotDot(e) && e.getName().equalsIgnoreCase(parts.get(i))) {
          match = e;
          break;
        }
      }
      if (match == null) {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(match);
  }

  /**
   * The folder {@code entry} names, refused when its first cluster is in {@code walked} (adding
   * it) or its chain is longer than {@link #MAX_FOLDER_BYTES}.
   */
  private FsDirectory enter(FsDirectoryEntry entry, String where, Set<Integer> walked)
      throws IOException {
    byte[] raw = rawEntry(entry);
    if (raw != null) {
      int first = (raw[26] & 0xff) | (raw[27] & 0xff) << 8;
      if (!walked.add(first)) {
        throw new SeedFormatException(source + ": " + where + ": folder at cluster " + first
            + " is itself or its ancestor (a loop)");
      }
      long clusterBytes = (long) geometry.bytesPerSector() * geometry.sectorsPerCluster();
      long clusters = 0;
      // The chains end: FatGeometry.checkChainsTerminate has walked them all at open.
      for (int c = first; c >= 2 && c < geometry.clusterCount() + 2; c = nextCluster(c)) {
        if (++clusters * clusterBytes > MAX_FOLDER_BYTES) {
          throw new SeedFormatException(source + ": " + where + ": a folder of more than "
              + MAX_FOLDER_BYTES + " bytes");
        }
      }
    }
    return entry.getDirectory();
  }

  /** The FAT's entry for {@code cluster}, read from the first FAT on the volume. */
  private int nextCluster(int cluster) throws IOException {
    long fat = (long) geometry.reservedSectors() * geometry.bytesPerSector();
    boolean fat12 = geometry.isFat12();
    byte[] two = new byte[2];
    long at = fat + (fat12 ? cluster * 3L / 2 : cluster * 2L);
    if (SeedIo.readAt(channel, at, two) < 2) {
      throw new SeedFormatException(source + ": FAT: truncated image: ends before byte " + at);
    }
    int v = (two[0] & 0xff) | (two[1] & 0xff) << 8;
    if (!fat12) {
      return v;
    }
    return (cluster & 1) == 0 ? v & 0xfff : v >>> 4;
  }

  /**
   * The name as Linux shows it. fat32-lib gives a short name that has no long name as stored, in
   * upper case, and drops the flags that mcopy and Linux write for a name such as {@code latest}
   * (byte 12 of the entry: 0x08 the name, 0x10 the extension in lower case); they are read here
   * from the library's package-private entry ({@link #rawEntry}). When they cannot be read, the
   * name as stored.
   */
  private static String shownName(FsDirectoryEntry e) {
    String name = e.getName();
    int dot = name.lastIndexOf('.');
    boolean shortName = name.equals(name.toUpperCase(Locale.ROOT))
        && (dot < 0 ? name.length() <= 8 : dot <= 8 && name.length() - dot - 1 <= 3);
    int flags = shortName ? caseFlags(e) : 0;
    if (flags == 0) {
      return name;
    }
    String base = dot < 0 ? name : name.substring(0, dot);
    String extension = dot < 0 ? "" : name.substring(dot);
    return ((flags & 0x08) != 0 ? base.toLowerCase(Locale.ROOT) : base)
        + ((flags & 0x10) != 0 ? extension.toLowerCase(Locale.ROOT) : extension);
  }

  private static int caseFlags(FsDirectoryEntry e) {
    byte[] raw = rawEntry(e);
    return raw == null ? 0 : raw[12] & 0x18;
  }

  /**
   * The 32 bytes of an entry's short-name record, which fat32-lib keeps package-private: its
   * name's case flags (12) and its first cluster (26, FAT12/16); null when they cannot be read.
   */
  private static byte[] rawEntry(FsDirectoryEntry e) {
    try {
      Field real = e.getClass().getDeclaredField("realEntry");
      real.setAccessible(true);
      Object entry = real.get(e);
      Field data = entry.getClass().getDeclaredField("data");
      data.setAccessible(true);
      byte[] bytes = (byte[]) data.get(entry);
      return bytes.length >= 32 ? bytes : null;
    } catch (ReflectiveOperationException | RuntimeException notThere) {
      return null;
    }
  }

  private static boolean isDotOrDotDot(FsDirectoryEntry e) {
    String name = e.getName();
    return name.equals(".") || name.equals("..");
  }

  /** fat32-lib signals corrupt structures with unchecked exceptions. */
  private static SeedFormatException corrupt(Path source, String where, RuntimeException e) {
    return new SeedFormatException(source + ": " + where + ": not a readable FAT volume: " + e);
  }

  /** An I/O failure with the volume and the file in front, unless it names them already. */
  private static IOException named(Path source, String where, IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith(source.toString())) {
      return e;
    }
    return new IOException(source + ": " + where + ": " + message, e);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
