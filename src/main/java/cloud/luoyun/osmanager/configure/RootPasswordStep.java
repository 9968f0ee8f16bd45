package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.CryptHash;
import cloud.luoyun.osmanager.util.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Puts {@code passwd_hash} into root's entry of {@code etc/shadow}: the second field, and the
 * third (day of last change) as {@code chpasswd -e} does. Every other byte of the file stays as it
 * was; the file is replaced atomically keeping its mode and owner, under the shadow-utils lock.
 * The hash was validated as crypt(3) (no ':' or line break), so it cannot add or split an entry.
 */
final class RootPasswordStep implements Step {
  private final Clock clock;

  RootPasswordStep(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "root-password";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    Optional<CryptHash> hash = c.config.settings().passwdHash();
    if (hash.isEmpty()) {
      return skipped(c, "no passwd_hash in the config");
    }
    Path etc = c.writableDir("etc");
    Path shadow = etc.resolve("shadow");
    if (!SysFiles.exists(shadow)) {
      return failed(c, SysFiles.rel(c, shadow) + " not found");
    }
    SysFiles.requireNoLink(shadow, SysFiles.rel(c, shadow));
    if (c.dryRun()) {
      if (decide(c, Files.readAllBytes(shadow), hash.get()) == null) {
        return unchanged(c, "root already has this password hash");
      }
      SysFiles.checkWritable(shadow);
      return changed(c, "would set root's password hash in " + SysFiles.rel(c, shadow));
    }
    try (PasswdLock lock = PasswdLock.acquire(etc.resolve(".pwd.lock"))) {
      byte[] updated = decide(c, Files.readAllBytes(shadow), hash.get());
      if (updated == null) {
        return unchanged(c, "root already has this password hash");
      }
      AtomicFile.write(shadow, updated, SysFiles.RW_OWNER);
      return changed(c, "root's password hash set in " + SysFiles.rel(c, shadow));
    }
  }

  /** The new file content, or null when root's hash is already the one given. */
  private byte[] decide(Context c, byte[] file, CryptHash hash) throws IOException {
    int start = rootEntry(file);
    if (start < 0) {
      throw new IOException(SysFiles.rel(c, c.sys("etc/shadow")) + " has no root entry");
    }
    int end = indexOf(file, (byte) '\n', start);
    int f1 = indexOf(file, (byte) ':', start);
    int f2 = indexOf(file, (byte) ':', f1 + 1);
    if (f2 >= end) {
      throw new IOException("root's shadow entry is malformed (fewer than 3 fields)");
    }
    byte[] want = hash.value().getBytes(StandardCharsets.US_ASCII);
    if (java.util.Arrays.equals(file, f1 + 1, f2, want, 0, want.length)) {
      return null;
    }
    int f3 = Math.min(indexOf(file, (byte) ':', f2 + 1), end);
    byte[] day = Long.toString(LocalDate.now(clock).toEpochDay()).getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + want.length);
    out.write(file, 0, f1 + 1);
    out.write(want, 0, want.length);
    out.write(':');
    out.write(day, 0, day.length);
    out.write(file, f3, file.length - f3);
    return out.toByteArray();
  }

  /** Offset of the line starting with "root:", or -1. */
  private static int rootEntry(byte[] file) {
    byte[] key = "root:".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < file.length; i = indexOf(file, (byte) '\n', i) + 1) {
      if (java.util.Arrays.equals(file, i, Math.min(i + key.length, file.length), key, 0, key.length)) {
        return i;
      }
    }
    return -1;
  }

  /** First index of {@code b} at or after {@code from}, or {@code file.length} when absent. */
  private static int indexOf(byte[] file, byte b, int from) {
    for (int i = from; i < file.length; i++) {
      if (file[i] == b) {
        return i;
      }
    }
    return file.length;
  }
}
