package cloud.luoyun.osmanager.util;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names for the temp files and folders that stand beside a target while it is replaced:
 * {@code .NAME.osm-PID-RANDOM} in the target's folder, PID being the creating process's. A
 * process killed (SIGKILL, a power cut) before its rename leaves its temp behind; the next
 * {@link #claim} for the same target removes it, because its process is gone.
 *
 * <p>A temp is stale, and removed, when it has our naming for that target and: its PID is not
 * a running process (none, or a zombie); or its PID is ours but no thread of this process has it claimed (a process
 * of an earlier boot that had our PID); or it has the naming of versions before the PID was in
 * it ({@code .NAME.osm-RANDOM}). A temp of a live writer, in this process or another, is never
 * touched; a dead writer's PID taken by a new process keeps its temp until a later claim (the
 * safe way to be wrong). Nothing without our exact naming is touched, and links are removed,
 * never followed. Removal is best effort: a temp that cannot be removed is left for the next
 * claim, and the claim goes on.
 *
 * <p>Thread-safe.
 */
public final class OwnTemps {
  private static final long PID = ProcessHandle.current().pid();
  /** PID-RANDOM, or the naming before the PID was in it: Long.toHexString of a random long. */
  private static final Pattern SUFFIX = Pattern.compile("([0-9]{1,10})-[0-9a-f]{16}|[0-9a-f]{1,16}");
  /** Temps claimed by threads of this process and not yet released. */
  private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

  private OwnTemps() {}

  /**
   * Removes the stale temps of {@code target} and returns a fresh temp name beside it, claimed
   * for the caller until {@link #remove}. The caller creates the file or folder there (with
   * CREATE_NEW semantics), and ends with {@link #remove} whether or not it renamed it away.
   */
  public static Path claim(Path target) {
    Path abs = target.toAbsolutePath();
    removeStale(abs);
    Path temp = abs.resolveSibling(prefix(abs) + PID + "-" + hex16());
    CLAIMED.add(temp);
    return temp;
  }

  /**
   * The caller is done with {@code temp}: deletes what is still there under its name (a file, or
   * a folder and everything in it; nothing after a rename took it away) and releases the name.
   * Quiet: what cannot be deleted is left for a later claim to remove.
   */
  public static void remove(Path temp) {
    Path abs = temp.toAbsolutePath();
    removeQuietly(abs);
    CLAIMED.remove(abs);
  }

  private static String prefix(Path target) {
    return "." + target.getFileName() + ".osm-";
  }

  private static String hex16() {
    return String.format("%016x", ThreadLocalRandom.current().nextLong());
  }

  private static void removeStale(Path target) {
    String prefix = prefix(target);
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(target.getParent(),
        p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path p : siblings) {
        if (isStale(p, p.getFileName().toString().substring(prefix.length()))) {
          removeQuietly(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // an unreadable folder: the write that follows will say what is wrong with it
    }
  }

  private static boolean isStale(Path temp, String suffix) {
    Matcher m = SUFFIX.matcher(suffix);
    if (!m.matches()) {
      return false; // not our naming
    }
    if (m.group(1) == null) {
      return true; // the naming before the PID was in it: no writer of it runs any more
    }
    long pid = Long.parseLong(m.group(1));
    return pid == PID ? !CLAIMED.contains(temp) : !Processes.isRunning(pid);
  }

  /** Deletes a file, a link (not what it names) or a folder tree (never following a link in it). */
  private static void removeQuietly(Path p) {
    try {
      FileTrees.delete(p);
    } catch (IOException e) {
      // left for the next claim
    }
  }

}
