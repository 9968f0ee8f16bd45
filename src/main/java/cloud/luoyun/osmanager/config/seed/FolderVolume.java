package cloud.luoyun.osmanager.config.seed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A folder holding a seed's files, as an operator copies them ({@code configure --source DIR}).
 * Nothing under the folder is followed through a symbolic link: each part of a path is looked at
 * without following links and a link is refused, and the file is opened with
 * {@code NOFOLLOW_LINKS}; only the folder given may itself be a link. Only regular files are
 * read (a FIFO would block the boot). Holds nothing open between calls.
 */
final class FolderVolume implements SeedVolume {
  private final Path source;
  private final Path top;

  private FolderVolume(Path source, Path top) {
    this.source = source;
    this.top = top;
  }

  static FolderVolume open(Path source) throws IOException {
    return new FolderVolume(source, source.toRealPath());
  }

  @Override
  public Path source() {
    return source;
  }

  @Override
  public Kind kind() {
    return Kind.FOLDER;
  }

  @Override
  public Optional<String> label() {
    return Optional.empty();
  }

  @Override
  public Optional<byte[]> read(String relativePath, int maxBytes) throws IOException {
    List<String> parts = SeedIo.parts(relativePath);
    if (parts.isEmpty()) {
      throw new SeedFormatException(source + ": the top folder is not a file");
    }
    Optional<Path> found = resolve(parts, relativePath);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    BasicFileAttributes attributes = attributes(found.get()).orElse(null);
    if (attributes == null) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()) {
      throw new SeedFormatException(source + ": " + relativePath + ": "
          + (attributes.isDirectory() ? "a folder, not a file" : "not a regular file"));
    }
    if (attributes.size() > maxBytes || attributes.size() >= Integer.MAX_VALUE - 8) {
      throw tooLarge(relativePath, maxBytes);
    }
    try (SeekableByteChannel channel = Files.newByteChannel(
        found.get(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      // One byte more than the size looked at shows a file that grew since.
      ByteBuffer buf = ByteBuffer.allocate((int) attributes.size() + 1);
      while (buf.hasRemaining() && channel.read(buf) >= 0) {
        // until full or at the end
      }
      if (!buf.hasRemaining()) {
        throw new SeedFormatException(source + ": " + relativePath + ": grew while it was read");
      }
      return Optional.of(Arrays.copyOf(buf.array(), buf.position()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (SeedFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(source + ": " + relativePath + ": " + e.getMessage(), e);
    }
  }

  private SeedFormatException tooLarge(String relativePath, int maxBytes) {
    return new SeedFormatException(
        source + ": " + relativePath + ": larger than " + maxBytes + " bytes");
  }

  @Override
  public List<String> list(String relativeDir) throws IOException {
    List<String> parts = SeedIo.parts(relativeDir);
    Path folder = top;
    if (!parts.isEmpty()) {
      Optional<Path> found = resolve(parts, relativeDir);
      Optional<BasicFileAttributes> attributes =
          found.isEmpty() ? Optional.empty() : attributes(found.get());
      if (attributes.isEmpty()) {
        return List.of();
      }
      if (!attributes.get().isDirectory()) {
        throw new SeedFormatException(source + ": " + relativeDir + ": not a folder");
      }
      folder = found.get();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        if (names.size() == SeedVolume.MAX_ENTRIES) {
          throw new SeedFormatException(source + ": " + SeedIo.where(relativeDir)
              + ": more than " + SeedVolume.MAX_ENTRIES + " entries");
        }
        names.add(p.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return names;
  }

  /**
   * The path of {@code parts} under the top folder, each folder on the way checked to be a
   * folder and not a link; empty when one is missing or is a file.
   */
  private Optional<Path> resolve(List<String> parts, String relativePath) throws IOException {
    Path p = top;
    for (int i = 0; i < parts.size(); i++) {
      p = p.resolve(parts.get(i));
      Optional<BasicFileAttributes> a = attributes(p);
      if (a.isEmpty()) {
        return Optional.empty();
      }
      if (a.get().isSymbolicLink()) {
        throw new SeedFormatException(source + ": " + relativePath + ": "
            + String.join("/", parts.subList(0, i + 1)) + " is a symbolic link (not followed)");
      }
      if (i < parts.size() - 1 && !a.get().isDirectory()) {
        return Optional.empty();
      }
    }
    return Optional.of(p);
  }

  private static Optional<BasicFileAttributes> attributes(Path p) throws IOException {
    try {
      return Optional.of(Files.readAttributes(
          p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {}
}
