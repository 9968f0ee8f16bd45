package cloud.luoyun.osmanager.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.Set;

/**
 * Replaces a file so that readers see the old content or the new, never a mix, also across a
 * power cut: the new content goes to a temp file in the same folder, created with the final mode
 * (never briefly world-readable), is fsynced, given the old file's owner, renamed over the target,
 * and the folder is fsynced. An existing file keeps its mode and owner; a new one gets
 * {@code modeIfNew}. A symlink target is refused: callers decide what a link means. The temp file
 * is named by {@link OwnTemps}, so one left by a writer that was killed is removed by the next
 * write of the same file.
 */
public final class AtomicFile {
  private AtomicFile() {}

  public static void write(Path target, byte[] content, Set<PosixFilePermission> modeIfNew) throws IOException {
    PosixFileAttributes old = null;
    try {
      old = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      // a new file
    }
    if (old != null && old.isSymbolicLink()) {
      throw new IOException(target + " is a symbolic link; refusing to replace it");
    }
    Set<PosixFilePermission> mode = old != null ? old.permissions() : modeIfNew;
    Path tmp = OwnTemps.claim(target);
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(mode))) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
      view.setPermissions(mode); // the umask may have narrowed the create mode
      if (old != null) {
        keepOwner(view, old.owner(), old.group());
      }
      moveInto(tmp, target);
    } finally {
      OwnTemps.remove(tmp); // after the rename, nothing is left under its name
    }
  }

  /**
   * Renames {@code source}, complete and fsynced, over {@code target} in one step (same file
   * system), then fsyncs the target's folder so that the rename itself survives a power cut.
   *
   * @throws IOException when the rename is not atomic here (another file system), or fails
   */
  public static void moveInto(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + target + " atomically", e);
    }
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /** Forces a file written by someone else (a program we ran) to disk before it is renamed into place. */
  public static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Writes only when the content differs, so a re-run leaves the file (and its mtime) untouched.
   *
   * @return true when the file was written
   */
  public static boolean writeIfChanged(Path target, byte[] content, Set<PosixFilePermission> modeIfNew)
      throws IOException {
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == content.length
        && Arrays.equals(Files.readAllBytes(target), content)) {
      return false;
    }
    write(target, content, modeIfNew);
    return true;
  }

  private static void keepOwner(PosixFileAttributeView view, UserPrincipal owner, GroupPrincipal group)
      throws IOException {
    PosixFileAttributes now = view.readAttributes();
    if (!now.owner().equals(owner)) {
      view.setOwner(owner);
    }
    if (!now.group().equals(group)) {
      view.setGroup(group);
    }
  }

  /**
   * Forces a folder's entries (renames, deletions, new names) to disk. Quiet: some file systems
   * cannot open or sync a folder, and what was done in it has been done.
   */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot open or sync a directory; the rename itself has happened.
    }
  }
}
