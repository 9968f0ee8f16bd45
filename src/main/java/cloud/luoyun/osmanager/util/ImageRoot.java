package cloud.luoyun.osmanager.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The system tree a command works on: {@code /} on an instance, or an image tree being built
 * ({@code --root ./img}). Paths inside it are given as the image sees them ({@code etc/shadow},
 * {@code /LuoYun/bin}) and resolved under the root.
 *
 * <p>An image's absolute symbolic link such as {@code etc/ssh -> /etc/ssh} means the image's own
 * folder, but followed on the build host it is the host's: {@link #writableDir} refuses a folder
 * that really lies outside the root, so that building an image never changes the build host. On
 * the running system nothing can lead outside, and links are the admin's own arrangement.
 *
 * <p>Immutable and thread-safe.
 */
public record ImageRoot(Path root) {
  public static final ImageRoot LIVE = new ImageRoot(Path.of("/"));

  public ImageRoot {
    root = root.toAbsolutePath().normalize();
  }

  /** True when this is the running system, so services may be told about changes. */
  public boolean isLive() {
    return root.equals(Path.of("/"));
  }

  /** A path inside the tree: {@code resolve("etc/shadow")}, {@code resolve("/LuoYun")}. */
  public Path resolve(String inImage) {
    return root.resolve(inImage.startsWith("/") ? inImage.substring(1) : inImage);
  }

  /** {@link #resolve} of a path given as the image sees it. */
  public Path resolve(Path inImage) {
    return resolve(inImage.toString());
  }

  /**
   * A folder inside the tree that a command will write into (or delete from), checked: the
   * folder, or its deepest existing ancestor, must really lie inside the root.
   *
   * @throws IOException when the folder leads outside the root (through a symbolic link)
   */
  public Path writableDir(String inImage) throws IOException {
    Path dir = resolve(inImage);
    if (isLive()) {
      return dir;
    }
    Path realRoot = root.toRealPath();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
      throw new IOException(inImage + " leads outside " + root + " (a symbolic link); not writing there");
    }
    return dir;
  }

  /** How the image sees {@code p}: {@code /LuoYun/bin/osmanager} for {@code ROOT/LuoYun/bin/osmanager}. */
  public String inImage(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    if (isLive() || !abs.startsWith(root)) {
      return abs.toString();
    }
    return "/" + root.relativize(abs);
  }
}
