package cloud.luoyun.osmanager.util;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one way to say what went wrong, with its cause, for a person: {@code /etc/shadow:
 * permission denied}, {@code failed to bind to 0.0.0.0:8080: address already in use}. Java's
 * file errors carry only the path as their message (an AccessDeniedException says
 * {@code /etc/shadow} and nothing else), and wrappers keep the reason in their cause; both are
 * spelled out here. Never contains more than the exceptions do (no secrets are added).
 */
public final class Errors {
  private Errors() {}

  /** What happened, with the file it happened to and every cause the message does not repeat. */
  public static String describe(Throwable e) {
    return text(e, true);
  }

  /**
   * Only the innermost cause that says something of its own ({@code connection refused}), else
   * the innermost's name: what a person at the web terminal is shown of a failure whose whole
   * chain goes to the log. A wrapper whose message is just its cause's name says nothing of its own.
   */
  public static String rootReason(Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    Throwable said = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank() && (t.getCause() == null || !m.equals(t.getCause().toString()))) {
        said = t;
      }
    }
    return own(said != null ? said : root(e), true);
  }

  /** The innermost cause of {@code e} ({@code e} itself when it has none): the system's own error. */
  public static Throwable root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** As {@link #describe}, without the file name, for callers whose sentence names the file already. */
  public static String reason(Throwable e) {
    return text(e, false);
  }

  private static String text(Throwable e, boolean withFile) {
    String own = own(e, withFile);
    Throwable cause = e.getCause();
    if (cause == null || cause == e) {
      return own;
    }
    String more = text(cause, true);
    return own.toLowerCase(java.util.Locale.ROOT).contains(more.toLowerCase(java.util.Locale.ROOT))
        ? own : own + ": " + more;
  }

  private static String own(Throwable e, boolean withFile) {
    if (e instanceof FileSystemException f) {
      String why = f.getReason() != null ? lower(f.getReason()) : fileReason(f);
      String where = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
      return withFile && !where.isEmpty() ? where + ": " + why : why;
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : lower(m.strip());
  }

  private static String fileReason(FileSystemException f) {
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (f instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (f instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (f instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (f instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    return f.getClass().getSimpleName();
  }

  /** "Address already in use" reads as the end of our sentence: "address already in use". */
  private static String lower(String s) {
    return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
        ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
  }
}
