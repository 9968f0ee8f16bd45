package cloud.luoyun.osmanager.http;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Just enough of a DER (X.690) writer to build one X.509 certificate ({@link TlsIdentity}): each
 * method returns a whole element, tag, length and content, so a structure reads as it is drawn in
 * RFC 5280. Writing only: everything read back goes through the JDK's own parsers.
 */
final class Der {
  static final int BOOLEAN = 0x01;
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int OID = 0x06;
  static final int UTF8_STRING = 0x0c;
  static final int UTC_TIME = 0x17;
  static final int GENERALIZED_TIME = 0x18;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;

  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private Der() {}

  /** An element with this tag and content; the length in the shortest form (DER). */
  static byte[] element(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... parts) {
    return element(SEQUENCE, concat(parts));
  }

  static byte[] set(byte[]... parts) {
    return element(SET, concat(parts));
  }

  /** A context-specific constructed element ({@code [n] EXPLICIT}). */
  static byte[] explicit(int n, byte[] content) {
    return element(0xa0 | n, content);
  }

  /** A context-specific primitive element ({@code [n] IMPLICIT} of a string type). */
  static byte[] implicit(int n, byte[] content) {
    return element(0x80 | n, content);
  }

  static byte[] integer(BigInteger value) {
    return element(INTEGER, value.toByteArray()); // two's complement, minimal: what DER wants
  }

  static byte[] bool(boolean value) {
    return element(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0)});
  }

  static byte[] octets(byte[] value) {
    return element(OCTET_STRING, value);
  }

  /** A BIT STRING of whole bytes (no unused bits), as keys and signatures are. */
  static byte[] bits(byte[] value) {
    return element(BIT_STRING, concat(new byte[] {0}, value));
  }

  static byte[] utf8(String value) {
    return element(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime until 2049, GeneralizedTime from 2050 on, as RFC 5280 4.1.2.5 requires. */
  static byte[] time(Instant t) {
    boolean utc = t.atZone(ZoneOffset.UTC).getYear() < 2050;
    String text = (utc ? UTC : GENERALIZED).format(t);
    return element(utc ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
  }

  /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code 2.5.4.3}. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    if (arcs.length < 2) {
      throw new IllegalArgumentException("not an OID: " + dotted);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return element(OID, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long value) {
    int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 6) / 7);
    for (int i = groups - 1; i >= 0; i--) {
      int seven = (int) (value >>> (7 * i)) & 0x7f;
      out.write(i == 0 ? seven : seven | 0x80);
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
