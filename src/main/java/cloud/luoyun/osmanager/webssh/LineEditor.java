package cloud.luoyun.osmanager.webssh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The line entry of the login prompts ({@code login:}, then the sshd's own prompts): echo or not,
 * backspace, Ctrl-U, Ctrl-C. Input typed before a prompt is shown is kept (bounded) and read by
 * the next prompt with that prompt's echo mode, so a password typed ahead is never echoed.
 *
 * <p>Not thread-safe: the owning {@link SessionLogin} calls it under the session's lock. Lines are never
 * logged: they hold passwords.
 */
final class LineEditor {
  static final int MAX_LINE = 1024;
  private static final int MAX_PENDING = 4096;

  interface Listener {
    /** A line was entered; the editor is inactive until the next {@link #activate}. */
    void onLine(String line);

    /** Ctrl-C, or Ctrl-D on an empty line. */
    void onCancel();
  }

  private final Listener listener;
  private final java.util.function.Consumer<byte[]> echoSink;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final StringBuilder line = new StringBuilder();
  private boolean active;
  private boolean echo;
  // partial UTF-8 sequence and escape-sequence state between feeds
  private int codePoint;
  private int continuationBytes;
  private int escape; // 0 none, 1 after ESC, 2 inside CSI/SS3
  private boolean afterCr; // a '\n' right after '\r' ends no second line

  LineEditor(Listener listener, java.util.function.Consumer<byte[]> echoSink) {
    this.listener = listener;
    this.echoSink = echoSink;
  }

  boolean isActive() {
    return active;
  }

  /** Starts reading a line; input typed ahead is processed now. */
  void activate(boolean echo) {
    this.active = true;
    this.echo = echo;
    clearLine();
    byte[] ahead = pending.toByteArray();
    pending.reset();
    feed(ahead);
  }

  /** Input typed ahead while no prompt was active, handed over (to the shell once it opens). */
  byte[] takePending() {
    byte[] ahead = pending.toByteArray();
    pending.reset();
    return ahead;
  }

  /** Stops reading and forgets everything typed, for example when the login is given up. */
  void reset() {
    active = false;
    pending.reset();
    clearLine();
    codePoint = 0;
    continuationBytes = 0;
    escape = 0;
    afterCr = false;
  }

  void feed(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (!active) {
        int room = MAX_PENDING - pending.size();
        pending.write(bytes, i, Math.min(room, bytes.length - i));
        return;
      }
      decode(bytes[i] & 0xff);
    }
  }

  private void decode(int b) {
    if (continuationBytes > 0) {
      if ((b & 0xc0) == 0x80) {
        codePoint = (codePoint << 6) | (b & 0x3f);
        if (--continuationBytes == 0) {
          character(codePoint);
        }
        return;
      }
      continuationBytes = 0;
      character(0xfffd);
    }
    if (b < 0x80) {
      character(b);
    } else if ((b & 0xe0) == 0xc0) {
      codePoint = b & 0x1f;
      continuationBytes = 1;
    } else if ((b & 0xf0) == 0xe0) {
      codePoint = b & 0x0f;
      continuationBytes = 2;
    } else if ((b & 0xf8) == 0xf0) {
      codePoint = b & 0x07;
      continuationBytes = 3;
    } else {
      character(0xfffd);
    }
  }

  private void character(int c) {
    if (escape == 1) {
      escape = (c == '[' || c == 'O') ? 2 : 0;
      return;
    }
    if (escape == 2) {
      if (c >= 0x40 && c <= 0x7e) {
        escape = 0;
      }
      return;
    }
    boolean crLf = afterCr && c == '\n';
    afterCr = c == '\r';
    if (crLf) {
      return;
    }
    switch (c) {
      case '\r', '\n' -> {
        String entered = line.toString();
        clearLine();
        active = false;
        echo("\r\n");
        listener.onLine(entered);
      }
      case 0x7f, 0x08 -> erase(1);
      case 0x15 -> erase(Integer.MAX_VALUE); // Ctrl-U
      case 0x03 -> cancel(); // Ctrl-C
      case 0x04 -> { // Ctrl-D
        if (line.length() == 0) {
          cancel();
        }
      }
      case 0x1b -> escape = 1;
      default -> {
        if (c >= 0x20 && line.length() < MAX_LINE && Character.isValidCodePoint(c)) {
          line.appendCodePoint(c);
          if (echo) {
            echo(new String(Character.toChars(c)));
          }
        }
      }
    }
  }

  private void cancel() {
    clearLine();
    active = false;
    echo("^C\r\n");
    listener.onCancel();
  }

  private void erase(int count) {
    while (count-- > 0 && line.length() > 0) {
      int c = line.codePointBefore(line.length());
      line.setLength(line.length() - Character.charCount(c));
      if (echo) {
        echo(isWide(c) ? "\b\b  \b\b" : "\b \b");
      }
    }
  }

  private void clearLine() {
    // overwrite before dropping: the line may hold a password
    for (int i = 0; i < line.length(); i++) {
      line.setCharAt(i, '\0');
    }
    line.setLength(0);
  }

  private void echo(String text) {
    echoSink.accept(text.getBytes(StandardCharsets.UTF_8));
  }

  /** East Asian wide characters take two cells: CJK, Hangul, full-width forms, most emoji. */
  static boolean isWide(int c) {
    return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3)
        || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60)
        || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x20000 && c <= 0x3fffd);
  }
}
