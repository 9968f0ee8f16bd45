package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.CryptHash;
import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import cloud.luoyun.osmanager.config.InstanceSpec.Password;
import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import cloud.luoyun.osmanager.config.Sha512Crypt;
import cloud.luoyun.osmanager.util.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Puts one account's password into its entry of {@code etc/shadow}: the second field, and the
 * third (day of last change) as {@code chpasswd -e} does. A hash is stored as given; plain text is
 * hashed with SHA-512 crypt ({@link Sha512Crypt}), unless the stored hash is already that text's (so
 * a reboot changes nothing). A password replaces the whole field, as chpasswd does (an earlier
 * lock goes with it); then {@code lockPassword} locks ({@code !} before the hash) or unlocks it,
 * as {@code passwd -l}/{@code -u} do, and never unlocks a field that would leave no password.
 * Every other byte of the file stays as it was; the file is replaced atomically keeping its mode
 * and owner, under the shadow-utils lock. The hash was validated as crypt(3) (no ':' or line break),
 * so it cannot add or split an entry. Neither the password nor its hash is ever in a line or log.
 *
 * <p>LuoYun's root password is applied at every boot, as always. From NoCloud and ConfigDrive it
 * is applied once per instance, as cloud-init does: a reboot leaves a password changed since.
 */
final class PasswordStep implements Step {
  private final Account account;
  private final Clock clock;

  PasswordStep(Account account, Clock clock) {
    this.account = account;
    this.clock = clock;
  }

  @Override
  public String name() {
    return account.name() + "-password";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    boolean luoyun = c.spec.source() == Source.LUOYUN;
    if (account.password().isEmpty() && account.lockPassword().isEmpty()) {
      return skipped(c, luoyun ? "no passwd_hash in the config"
          : "no password for " + account.name() + " in the config");
    }
    if (!luoyun && !c.newInstance()) {
      return unchanged(c, "same instance: " + account.name() + "'s password is set once per instance");
    }
    Path etc = c.writableDir("etc");
    Path shadow = etc.resolve("shadow");
    if (!SysFiles.exists(shadow)) {
      return failed(c, SysFiles.rel(c, shadow) + " not found");
    }
    SysFiles.requireNoLink(shadow, SysFiles.rel(c, shadow));
    if (c.dryRun()) {
      byte[] file = Files.readAllBytes(shadow);
      if (!account.isRoot() && entry(file, account.name()) < 0) {
        return changed(c, "would set " + account.name() + "'s password in " + SysFiles.rel(c, shadow)
            + " once the account is made");
      }
      Change change = decide(c, file);
      if (change == null) {
        return unchanged(c, same());
      }
      SysFiles.checkWritable(shadow);
      return changed(c, "would " + change.wouldDo() + " in " + SysFiles.rel(c, shadow));
    }
    try (PasswdLock lock = PasswdLock.acquire(etc.resolve(".pwd.lock"))) {
      Change change = decide(c, Files.readAllBytes(shadow));
      if (change == null) {
        return unchanged(c, same());
      }
      AtomicFile.write(shadow, change.file(), SysFiles.RW_OWNER);
      return changed(c, change.done() + " in " + SysFiles.rel(c, shadow));
    }
  }

  private String same() {
    return account.password().isPresent() && account.password().get() instanceof Password.Hashed
        ? account.name() + " already has this password hash"
        : account.name() + "'s password already as given";
  }

  /** A new shadow file and what changed in it, as a run and as a dry run say it. */
  private record Change(byte[] file, String done, String wouldDo) {}

  /** The new file content, or null when the entry is already as the account asks. */
  private Change decide(Context c, byte[] file) throws IOException {
    String name = account.name();
    int start = entry(file, name);
    if (start < 0) {
      throw new IOException(SysFiles.rel(c, c.sys("etc/shadow")) + " has no " + name + " entry");
    }
    int end = indexOf(file, (byte) '\n', start);
    int f1 = indexOf(file, (byte) ':', start);
    int f2 = indexOf(file, (byte) ':', f1 + 1);
    if (f2 >= end) {
      throw new IOException(name + "'s shadow entry is malformed (fewer than 3 fields)");
    }
    String old = new String(file, f1 + 1, f2 - f1 - 1, StandardCharsets.ISO_8859_1);
    String field = old;
    boolean newHash = false;
    if (account.password().isPresent()) {
      Password given = account.password().get();
      String bare = unlocked(old);
      String hash = given instanceof Password.Hashed h ? h.hash().value()
          : matchesPlain(bare, ((Password.Plain) given).text()) ? bare
          : Sha512Crypt.hash(((Password.Plain) given).text()).value();
      newHash = !hash.equals(bare);
      field = hash; // the whole field, as chpasswd: a lock goes with the old password
    }
    String lockDone = "";
    String lockWould = "";
    if (account.lockPassword().isPresent()) {
      String bare = unlocked(field);
      if (account.lockPassword().get()) {
        field = "!" + bare;
        lockDone = "password login locked";
        lockWould = "lock password login";
      } else if (!bare.isEmpty()) {
        field = bare;
        lockDone = "password login unlocked";
        lockWould = "unlock password login";
      } // else: unlocking would leave no password; passwd -u refuses that too
    }
    byte[] want = field.getBytes(StandardCharsets.ISO_8859_1);
    if (Arrays.equals(file, f1 + 1, f2, want, 0, want.length)) {
      return null;
    }
    boolean lockChanged = old.startsWith("!") != field.startsWith("!");
    int f3 = Math.min(indexOf(file, (byte) ':', f2 + 1), end);
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + want.length);
    out.write(file, 0, f1 + 1);
    out.write(want, 0, want.length);
    if (newHash) {
      byte[] day = Long.toString(LocalDate.now(clock).toEpochDay()).getBytes(StandardCharsets.US_ASCII);
      out.write(':');
      out.write(day, 0, day.length);
      out.write(file, f3, file.length - f3);
    } else {
      out.write(file, f2, file.length - f2);
    }
    String done = name + "'s password hash set";
    String would = "set " + name + "'s password hash";
    if (!lockDone.isEmpty() && lockChanged) {
      done = newHash ? done + ", " + lockDone : name + "'s " + lockDone;
      would = newHash ? would + " and " + lockWould : lockWould + " of " + name;
    }
    return new Change(out.toByteArray(), done, would);
  }

  private static String unlocked(String field) {
    return field.startsWith("!") ? field.substring(1) : field;
  }

  /** Whether the stored field (without a lock) is already a SHA-512 crypt hash of {@code text}. */
  private static boolean matchesPlain(String stored, String text) {
    if (!stored.startsWith(Sha512Crypt.PREFIX)) {
      return false;
    }
    try {
      return Sha512Crypt.matches(text, CryptHash.parse("shadow", stored));
    } catch (cloud.luoyun.osmanager.config.ConfigException e) {
      return false;
    }
  }

  /** Offset of the line starting with "NAME:", or -1. */
  static int entry(byte[] file, String name) {
    byte[] key = (name + ":").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < file.length; i = indexOf(file, (byte) '\n', i) + 1) {
      if (Arrays.equals(file, i, Math.min(i + key.length, file.length), key, 0, key.length)) {
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
