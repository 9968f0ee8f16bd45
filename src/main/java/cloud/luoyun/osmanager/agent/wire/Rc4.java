package cloud.luoyun.osmanager.agent.wire;

/**
 * The RC4 stream cipher, as the controller uses it: a fresh cipher state for every message, keyed
 * by the bytes of the instance's KEY string. Weak, but it is what the controller speaks.
 */
public final class Rc4 {
  private Rc4() {}

  /** Encrypts or decrypts (the same operation) data with a new RC4 state keyed by key. */
  public static byte[] apply(byte[] key, byte[] data) {
    if (key.length == 0) {
      throw new IllegalArgumentException("RC4 key is empty");
    }
    int[] s = new int[256];
    for (int i = 0; i < 256; i++) {
      s[i] = i;
    }
    for (int i = 0, j = 0; i < 256; i++) {
      j = (j + s[i] + (key[i % key.length] & 0xff)) & 0xff;
      int t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    byte[] out = new byte[data.length];
    for (int n = 0, i = 0, j = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]) & 0xff;
      int t = s[i];
      s[i] = s[j];
      s[j] = t;
      out[n] = (byte) (data[n] ^ s[(s[i] + s[j]) & 0xff]);
    }
    return out;
  }
}
