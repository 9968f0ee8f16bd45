package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.webssh.ShellConnector.ShellLink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The files part of a terminal session: the SFTP channel of the current login, opened on that
 * login's SSH connection the first time the Files panel asks ({@link #open()}), closed when the
 * shell ends. A new login gets a new channel; a channel of an ended login is never handed out
 * (the one being opened while the shell ended is closed). {@link TerminalSession} tells it when a
 * login starts and ends and when the session closes; {@link FilesSocket} and the download tickets
 * ask it, and a files socket {@link #watch watches} it to follow the logins without being asked.
 *
 * <p>Thread-safe, with a lock of its own: opening a channel blocks (the server's answer) and must
 * not hold the session's lock, which keystrokes and output take.
 */
final class SessionFiles {
  private final Executor pool;
  private final Object opening = new Object(); // held while a channel opens: one at a time
  private ShellLink link; // guarded by this: the logged-in shell, or null
  private String user; // guarded by this
  private RemoteFiles files; // guarded by this: the open channel of that login, or null
  private boolean closed; // guarded by this: the session closed, no login will come
  private final List<Runnable> watchers = new ArrayList<>(); // guarded by this

  /** @param pool where channels are closed (it may block a moment) and watchers are told */
  SessionFiles(Executor pool) {
    this.pool = pool;
  }

  /** A login succeeded: its shell's connection is the one files go over. */
  synchronized void loggedIn(ShellLink shell, String who) {
    endLocked();
    link = shell;
    user = who;
    tellWatchers();
  }

  /** The shell ended: its channel closes, none is handed out after. */
  synchronized void ended() {
    endLocked();
    tellWatchers();
  }

  /** The session closed: as {@link #ended}, and no login will come. */
  synchronized void close() {
    closed = true;
    endLocked();
    tellWatchers();
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Runs {@code watcher} on the pool whenever a login starts or ends or the session closes. It
   * runs later, never under the caller's locks (the session's lock is held when logins change),
   * so it reads the state again rather than trusting the order in which it is told.
   */
  synchronized void watch(Runnable watcher) {
    watchers.add(watcher);
  }

  synchronized void unwatch(Runnable watcher) {
    watchers.remove(watcher);
  }

  private void tellWatchers() {
    for (Runnable w : watchers) {
      pool.execute(w);
    }
  }

  private void endLocked() {
    link = null;
    user = null;
    if (files != null) {
      RemoteFiles f = files;
      files = null;
      pool.execute(f::close);
    }
  }

  /** The user logged in, or null. */
  synchronized String user() {
    return user;
  }

  /**
   * The SFTP channel of the current login, opened at the first call (blocks meanwhile), or
   * null when no one is logged in.
   */
  RemoteFiles open() throws IOException {
    synchronized (opening) {
      ShellLink shell;
      synchronized (this) {
        if (files != null || link == null) {
          return files;
        }
        shell = link;
      }
      RemoteFiles opened = shell.openFiles();
      synchronized (this) {
        if (link != shell) { // that login ended meanwhile
          pool.execute(opened::close);
          return null;
        }
        files = opened;
        return opened;
      }
    }
  }

  /** Whether {@code channel} is still the current login's open channel. */
  synchronized boolean isCurrent(RemoteFiles channel) {
    return channel != null && channel == files;
  }
}
