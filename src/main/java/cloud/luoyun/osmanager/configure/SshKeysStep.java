package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import cloud.luoyun.osmanager.config.SshPublicKey;
import cloud.luoyun.osmanager.util.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Makes each of an account's keys appear exactly once in its {@code ~/.ssh/authorized_keys}, as
 * the plain validated line (no options). Other lines are kept byte for byte; other lines carrying
 * the same key (say with {@code command="..."} options, or twice) are replaced by the one plain
 * line, so the owner's key grants exactly what the config says. {@code .ssh} is 0700 and the file
 * 0600, both owned by the account (root: root), as sshd's StrictModes wants.
 *
 * <p>Root's home is {@code root/} (as it always was); another account's is the one etc/passwd
 * gives, and must exist (useradd made it). LuoYun's key is applied at every boot; keys from NoCloud
 * and ConfigDrive once per instance, as cloud-init does.
 */
final class SshKeysStep implements Step {
  private final Account account;

  SshKeysStep(Account account) {
    this.account = account;
  }

  @Override
  public String name() {
    return account.isRoot() ? "root-ssh-key" : account.name() + "-ssh-keys";
  }

  @Override
  public StepResult apply(Context c) throws Exception {
    boolean luoyun = c.spec.source() == Source.LUOYUN;
    if (account.keys().isEmpty()) {
      return skipped(c, luoyun ? "no public_key in the config" : "no SSH key for " + account.name() + " in the config");
    }
    if (!luoyun && !c.newInstance()) {
      return unchanged(c, "same instance: " + account.name() + "'s keys are put in once per instance");
    }
    int uid = 0;
    int gid = 0;
    String homeDir = "root";
    if (!account.isRoot()) {
      Optional<Passwd.Entry> user = Passwd.user(c, account.name());
      if (user.isEmpty()) {
        return c.dryRun() ? changed(c, "would put " + account.keys().size() + " key(s) in " + account.name()
            + "'s authorized_keys once the account is made") : failed(c, "no account " + account.name());
      }
      uid = user.get().uid();
      gid = user.get().gid();
      Path given = Path.of(user.get().home()).normalize();
      if (!given.isAbsolute() || given.getNameCount() == 0 || !given.toString().equals(user.get().home())) {
        return failed(c, account.name() + "'s home in etc/passwd is not a plain absolute path");
      }
      homeDir = given.toString().substring(1);
    }
    Path home = c.writableDir(homeDir);
    Path dir = home.resolve(".ssh");
    Path file = dir.resolve("authorized_keys");
    if (!Files.isDirectory(home)) {
      return failed(c, account.name() + "'s home " + SysFiles.rel(c, home) + " does not exist");
    }
    SysFiles.requireNoLink(home, SysFiles.rel(c, home));
    SysFiles.requireNoLink(dir, SysFiles.rel(c, dir));
    SysFiles.requireNoLink(file, SysFiles.rel(c, file));
    String owner = account.isRoot() ? "root" : account.name();
    List<String> what = new ArrayList<>();
    if (!SysFiles.exists(dir)) {
      what.add("created " + SysFiles.rel(c, dir));
      if (!c.dryRun()) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(SysFiles.RWX_OWNER));
      }
    }
    if (SysFiles.exists(dir) && SysFiles.ensureOwned(dir, SysFiles.RWX_OWNER, uid, gid, c.dryRun())) {
      what.add(SysFiles.rel(c, dir) + " made 0700 " + owner);
    }
    byte[] old = SysFiles.exists(file) ? Files.readAllBytes(file) : new byte[0];
    byte[] updated = old;
    List<String> put = new ArrayList<>();
    for (SshPublicKey key : account.keys()) {
      byte[] next = withKey(updated, key);
      if (!Arrays.equals(next, updated)) {
        put.add(key.comment().orElse(key.type()));
      }
      updated = next;
    }
    if (!Arrays.equals(old, updated)) {
      what.add("key " + String.join(", ", put) + " put in " + SysFiles.rel(c, file));
      if (!c.dryRun()) {
        AtomicFile.write(file, updated, SysFiles.RW_OWNER);
      }
    }
    if (SysFiles.exists(file) && SysFiles.ensureOwned(file, SysFiles.RW_OWNER, uid, gid, c.dryRun())) {
      what.add(SysFiles.rel(c, file) + " made 0600 " + owner);
    }
    if (what.isEmpty()) {
      return unchanged(c, (account.keys().size() == 1 ? "key" : "keys") + " present once in " + SysFiles.rel(c, file));
    }
    if (c.dryRun()) {
      SysFiles.checkWritable(file);
    }
    return changed(c, String.join("; ", what));
  }

  /** {@code old} with every line holding the key's blob dropped and the plain line once at the end. */
  static byte[] withKey(byte[] old, SshPublicKey key) {
    byte[] want = key.line().getBytes(StandardCharsets.UTF_8);
    List<int[]> lines = new ArrayList<>(); // [start, end) without the '\n'
    for (int s = 0; s < old.length; ) {
      int e = s;
      while (e < old.length && old[e] != '\n') {
        e++;
      }
      lines.add(new int[] {s, e});
      s = e + 1;
    }
    List<int[]> same = lines.stream().filter(l -> holdsKey(old, l, key)).toList();
    if (same.size() == 1 && Arrays.equals(old, same.get(0)[0], same.get(0)[1], want, 0, want.length)
        && (old.length == 0 || old[old.length - 1] == '\n')) {
      return old;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(old.length + want.length + 1);
    boolean placed = false;
    for (int[] l : lines) {
      if (holdsKey(old, l, key)) {
        if (!placed) {
          out.write(want, 0, want.length); // where the first copy was: keeps the file's order
          out.write('\n');
          placed = true;
        }
        continue;
      }
      out.write(old, l[0], l[1] - l[0]);
      out.write('\n');
    }
    if (!placed) {
      out.write(want, 0, want.length);
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** True when the line has the key's base64 blob as a whole word (with or without options). */
  private static boolean holdsKey(byte[] buf, int[] line, SshPublicKey key) {
    String text = new String(buf, line[0], line[1] - line[0], StandardCharsets.ISO_8859_1);
    for (String word : text.split("[ \t]+")) {
      if (word.equals(key.base64())) {
        return true;
      }
    }
    return false;
  }
}
