package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The files of a seed volume (a NoCloud {@code cidata} or a ConfigDrive {@code config-2}), however
 * they are stored: an ISO9660 or vfat image, a block device, a folder. Paths are relative to the
 * volume's root, with {@code /} between names ({@code openstack/latest/meta_data.json}).
 *
 * <p>The mappings ({@link NoCloud}, {@link ConfigDrive}) read through this seam only, so they are
 * tested with the files alone and the volume readers with the volumes alone.
 */
public interface SeedFiles {

  /**
   * The file's bytes, or empty when there is no such file.
   *
   * @param maxBytes the most this caller accepts: a longer file is refused with a
   *     {@link ConfigException} naming the path ({@code user-data: larger than 65536 bytes}), never
   *     read whole
   * @throws IOException the volume could not be read
   */
  Optional<byte[]> read(String path, int maxBytes) throws IOException, ConfigException;

  /** The names (not paths) in a folder, files and folders alike; empty when there is no such folder. */
  List<String> list(String dir) throws IOException, ConfigException;

  /** What the files are, for messages: {@code /dev/sr0 (cidata)}, {@code seed.iso}. */
  String name();
}
