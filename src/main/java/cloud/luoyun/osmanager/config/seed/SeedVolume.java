package cloud.luoyun.osmanager.config.seed;

import cloud.luoyun.osmanager.config.FatGeometry;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The files of a volume another cloud hands a guest its config on (NoCloud's {@code cidata},
 * ConfigDrive's {@code config-2}, and LuoYun's floppy too), read without mounting: an ISO9660
 * image or CD-ROM, a vfat image or disk, or a plain folder holding a seed's files. The kind is
 * told by content, never by name. A volume only exposes files; which source it is (a
 * {@code luoyun.ini}, a {@code meta-data}, an {@code openstack/} folder) the caller decides.
 *
 * <p>What it guarantees, for a volume that is hostile as well as for one that is merely corrupt:
 * every length and position read from the volume is checked against the volume's size before it
 * is used; a file is never allocated beyond the caller's {@code maxBytes}; a walk never loops
 * (directories that point back at themselves or an ancestor are refused, paths are at most
 * {@link #MAX_DEPTH} deep, folders hold at most {@link #MAX_ENTRIES} entries); a folder volume
 * never follows a symbolic link. Every failure is an {@link IOException} whose message is one
 * line naming the volume and the file or field, such as
 * {@code seed.iso: meta-data: larger than 65536 bytes}.
 *
 * <p>Paths are relative, with {@code /} between folders ({@code openstack/latest/meta_data.json});
 * an absolute path, an empty part, {@code .} or {@code ..} is refused (a caller's mistake:
 * {@link IllegalArgumentException}). Names are matched as the producer wrote them: exactly on an
 * ISO's Rock Ridge or Joliet names and in a folder, without case on vfat (as a vfat mount does),
 * and on an ISO with primary names only, without case, without the {@code ;1} version and with
 * {@code _} standing for {@code -}.
 *
 * <p>Not thread-safe: one owner opens, reads and closes it.
 */
public interface SeedVolume extends Closeable {
  /** Deepest path accepted, in parts ({@code openstack/latest/meta_data.json} is 3). */
  int MAX_DEPTH = 8;
  /** Most entries read from one folder; a seed holds a handful. */
  int MAX_ENTRIES = 4096;

  /** How the volume is laid out. */
  enum Kind {
    ISO9660,
    VFAT,
    FOLDER
  }

  /**
   * Opens {@code source}: a folder, or an image file or block device holding ISO9660 ("CD001"
   * at byte 32769) or FAT12/FAT16 (a boot sector). Reads the volume's header here, and a FAT
   * volume's tables and top folder; a file is read only when asked for.
   *
   * @throws java.nio.file.NoSuchFileException when {@code source} does not exist
   * @throws SeedFormatException when it is none of these kinds, or its header is unusable
   * @throws IOException when it cannot be read
   */
  static SeedVolume open(Path source) throws IOException {
    if (Files.isDirectory(source)) {
      return FolderVolume.open(source);
    }
    FileChannel channel = FileChannel.open(source, StandardOpenOption.READ);
    try {
      byte[] magic = new byte[5];
      if (SeedIo.readAt(channel, Iso9660.MAGIC_OFFSET, magic) == magic.length
          && Arrays.equals(magic, Iso9660.MAGIC)) {
        return Iso9660.open(channel, source);
      }
      byte[] first = new byte[512];
      if (FatGeometry.looksLikeBootSector(first, SeedIo.readAt(channel, 0, first))) {
        return FatVolume.open(channel, source, first);
      }
      throw new SeedFormatException(source + ": neither an ISO9660 image (no \"CD001\" at byte "
          + Iso9660.MAGIC_OFFSET + ") nor a FAT volume (no boot sector)");
    } catch (IOException | RuntimeException e) {
      SeedIo.closeQuietly(channel, e);
      throw e;
    }
  }

  /** Where the volume was opened from, for messages. */
  Path source();

  Kind kind();

  /**
   * The volume's label, as the producer wrote it ({@code cidata}, {@code CIDATA},
   * {@code config-2}), trimmed of the padding; empty for a folder or an unlabelled volume.
   */
  Optional<String> label();

  /**
   * The bytes of the file at {@code relativePath}, or empty when no such file exists.
   *
   * @throws IllegalArgumentException when {@code relativePath} is absolute, holds {@code ..},
   *     {@code .} or an empty part, or is deeper than {@link #MAX_DEPTH}
   * @throws SeedFormatException when the file is larger than {@code maxBytes} (nothing is
   *     allocated for it), is a folder or a link, or the volume's records leading to it are
   *     unusable
   * @throws IOException when the volume cannot be read
   */
  Optional<byte[]> read(String relativePath, int maxBytes) throws IOException;

  /**
   * The names in the folder at {@code relativeDir} ({@code ""} for the top), files and folders,
   * in the volume's order, without {@code .} and {@code ..}; empty when there is no such folder.
   * On an ISO with primary names only, the names are lower case without their version.
   *
   * @throws SeedFormatException when {@code relativeDir} is a file, or the folder's records are
   *     unusable
   */
  List<String> list(String relativeDir) throws IOException;

  /** Closes the image or device; a folder holds nothing open. */
  @Override
  void close() throws IOException;
}
