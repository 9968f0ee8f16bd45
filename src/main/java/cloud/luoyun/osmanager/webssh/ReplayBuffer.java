package cloud.luoyun.osmanager.webssh;

/**
 * The last {@code capacity} bytes of a terminal's output, to redraw the screen when a page
 * reattaches. Bounded memory: older output is overwritten. It grows to its capacity as output
 * comes (from {@value #INITIAL} bytes), so that a page at the login prompt costs a few KiB, not the
 * 256 KiB a shell's screen may need: sessions without a shell do not count against the session
 * limit, and there may be dozens.
 *
 * <p>Not thread-safe: the owning {@link ShellStream} calls it under the session's lock.
 */
final class ReplayBuffer {
  static final int INITIAL = 4096;
  private final int capacity;
  private byte[] ring; // shorter than capacity only while nothing has wrapped: written <= ring.length
  private long written; // total bytes ever appended

  ReplayBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
    this.ring = new byte[Math.min(capacity, INITIAL)];
  }

  void append(byte[] bytes, int offset, int length) {
    grow(length);
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

  /** Makes room for {@code more} bytes without wrapping, as far as the capacity allows. */
  private void grow(int more) {
    if (ring.length == capacity || written + more <= ring.length) {
      return;
    }
    long needed = Math.min(capacity, written + (long) more);
    byte[] larger = new byte[(int) Math.min(capacity, Math.max(needed, 2L * ring.length))];
    System.arraycopy(ring, 0, larger, 0, (int) written); // not wrapped yet: the bytes start at 0
    ring = larger;
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
