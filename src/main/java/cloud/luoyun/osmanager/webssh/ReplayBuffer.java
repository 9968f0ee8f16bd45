package cloud.luoyun.osmanager.webssh;

/**
 * The last {@code capacity} bytes of a terminal's output, to redraw the screen when a page
 * reattaches. Fixed memory: older output is overwritten.
 *
 * <p>Not thread-safe: the owning {@link TerminalSession} calls it under its lock.
 */
final class ReplayBuffer {
  private final byte[] ring;
  private long written; // total bytes ever appended

  ReplayBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " (expected: >= 1)");
    }
    ring = new byte[capacity];
  }

  void append(byte[] bytes, int offset, int length) {
    if (length >= ring.length) {
      System.arraycopy(bytes, offset + length - ring.length, ring, 0, ring.length);
      written += length;
      // keep the ring's phase consistent with `written`
      rotateToPhase();
      return;
    }
    int start = (int) (written % ring.length);
    int first = Math.min(length, ring.length - start);
    System.arraycopy(bytes, offset, ring, start, first);
    System.arraycopy(bytes, offset + first, ring, 0, length - first);
    written += length;
  }

  private void rotateToPhase() {
    int phase = (int) (written % ring.length);
    if (phase == 0) {
      return;
    }
    byte[] copy = ring.clone();
    for (int i = 0; i < ring.length; i++) {
      ring[(phase + i) % ring.length] = copy[i];
    }
  }

  void clear() {
    written = 0;
  }

  /**
   * The bytes to redraw. When older output was dropped, the copy starts after the first line
   * break, so that it does not begin inside an escape sequence or a multi-byte character.
   */
  byte[] snapshot() {
    int size = (int) Math.min(written, ring.length);
    byte[] out = new byte[size];
    int start = (int) ((written - size) % ring.length);
    int first = Math.min(size, ring.length - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, size - first);
    if (written > ring.length) {
      for (int i = 0; i < out.length; i++) {
        if (out[i] == '\n') {
          return java.util.Arrays.copyOfRange(out, i + 1, out.length);
        }
      }
    }
    return out;
  }
}
