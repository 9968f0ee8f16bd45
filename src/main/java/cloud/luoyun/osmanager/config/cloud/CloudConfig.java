package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.CryptHash;
import cloud.luoyun.osmanager.config.InstanceSpec.Password;
import cloud.luoyun.osmanager.config.SshPublicKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * User data ({@code user-data}, ConfigDrive's {@code user_data}): a {@code #cloud-config} document
 * mapped as cloud-init applies it. Other forms ({@code #!} scripts, MIME multipart, gzip,
 * {@code ## template: jinja}, {@code #include}, boothooks, part handlers, archives) are never run:
 * the file is listed as not applied with its form ({@code user-data (a script (#!))}), which the
 * one warning of what was not applied names.
 *
 * <p>The keys applied, each as in cloud-init:
 * <ul>
 *   <li>{@code hostname}, {@code fqdn}, {@code preserve_hostname}, {@code manage_etc_hosts} (true,
 *       {@code localhost} or {@code template}: the {@code 127.0.1.1} line), with the meta-data's
 *       host name when the user data gives none;
 *   <li>{@code user} (a name or a mapping with a {@code name}): the default user, else root;
 *   <li>{@code users}: {@code default} is the default user; other entries are accounts of their
 *       own: {@code passwd}/{@code hashed_passwd} (crypt hashes), {@code plain_text_passwd},
 *       {@code lock_passwd} (only when given: unlike cloud-init, an account is not locked by
 *       default, since a password given is meant to log in with), {@code ssh_authorized_keys},
 *       {@code shell}, {@code sudo} (a rule granting {@code ALL}, or {@code sudo}, {@code admin}
 *       or {@code wheel} among {@code groups}: membership of the sudo group; other rules and
 *       groups are listed as not applied);
 *   <li>{@code ssh_authorized_keys} and {@code password} at the top: the default user's;
 *       {@code chpasswd.list} ({@code user:password} lines, or a list of them) and
 *       {@code chpasswd.users} ({@code type: hash} or {@code text}). As in cloud-init,
 *       {@code password} counts only when {@code chpasswd} names no one, and a list entry is a hash
 *       when it looks like one ({@code $1$ $2a$ $2y$ $5$ $6$}, and yescrypt's {@code $y$}, which
 *       today's Debian writes), plain text otherwise. {@code RANDOM} passwords are refused: OS
 *       Manager prints no password on the console. Plain text is hashed by the password step.
 *   <li>{@code disable_root}: OS Manager appliances are root-centred, as LuoYun's config is, so
 *       {@code disable_root: true} (cloud-init's default) does <em>not</em> turn root's keys into
 *       a "log in as the default user" message; given as {@code true} it is listed as not applied.
 *       {@code chpasswd.expire: true} is listed as not applied too (no password is expired).
 * </ul>
 * Every other key ({@code packages}, {@code package_upgrade}, {@code runcmd}, {@code write_files},
 * {@code bootcmd}, {@code timezone}, {@code ssh_pwauth}, {@code prefer_fqdn_over_hostname}, ...)
 * is listed as not applied. A name given only by {@code chpasswd} is an account like any other
 * (made when it does not exist). docs/other-clouds.md has the whole table.
 */
final class CloudConfig {
  static final int MAX_USERS = 64;
  static final int MAX_KEYS = 64;
  private static final int MAX_PASSWORD = 256;
  private static final Set<String> APPLIED = Set.of("hostname", "fqdn", "preserve_hostname",
      "manage_etc_hosts", "user", "users", "password", "chpasswd", "ssh_authorized_keys", "disable_root");
  private static final Set<String> USER_KEYS = Set.of("name", "passwd", "hashed_passwd",
      "plain_text_passwd", "lock_passwd", "ssh_authorized_keys", "shell", "sudo", "groups");
  private static final Set<String> SUDO_GROUPS = Set.of("sudo", "admin", "wheel");
  /** cloud-init's test for a hash in {@code chpasswd.list}, with yescrypt's {@code $y$} added. */
  private static final Pattern LOOKS_HASHED = Pattern.compile("\\$(1|2a|2y|5|6|y)(\\$.+){2}");
  /** A sudoers rule that grants everything: {@code ALL=(ALL) ALL}, {@code ALL=(ALL:ALL) NOPASSWD:ALL}. */
  private static final Pattern SUDO_ALL =
      Pattern.compile("ALL\\s*=\\s*\\(\\s*ALL\\s*(:\\s*ALL\\s*)?\\)\\s*(NOPASSWD\\s*:\\s*)?ALL");

  private CloudConfig() {}

  /**
   * Maps user data of any form into {@code b}. {@code metaHostname}: the meta-data's host name,
   * used when the user data names none.
   */
  static void apply(String name, Optional<byte[]> data, Optional<String> metaHostname, SpecBuilder b)
      throws ConfigException {
    Node root = Node.root(name, null);
    if (data.isPresent()) {
      Optional<String> form = otherForm(data.get());
      if (form.isPresent()) {
        b.notApplied(name + " (" + form.get() + ")"); // never run: OS Manager reads #cloud-config only
      } else if (!isBlank(data.get())) {
        root = Node.root(name, SeedParser.yaml(name, SeedParser.text(name, data.get())));
        if (!root.isAbsent() && !root.isMap()) {
          throw root.error("expected a mapping of cloud-config keys");
        }
      }
    }
    for (String key : root.keys(256)) {
      if (!APPLIED.contains(key)) {
        b.notApplied(name + ": " + key);
      }
    }
    hostname(root, metaHostname, b);
    accounts(root, b);
  }

  /** The form of user data that is not {@code #cloud-config}, by its first bytes; empty for cloud-config or nothing. */
  static Optional<String> otherForm(byte[] data) {
    if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
      return Optional.of("gzip-compressed user data");
    }
    if (isBlank(data)) {
      return Optional.empty();
    }
    int bom = data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf ? 3 : 0;
    String head = new String(data, bom, Math.min(data.length - bom, 64), StandardCharsets.ISO_8859_1);
    String lower = head.toLowerCase(Locale.ROOT);
    if (head.startsWith("#cloud-config-archive")) {
      return Optional.of("a cloud-config archive");
    }
    if (head.startsWith("#cloud-config")) {
      return Optional.empty();
    }
    if (head.startsWith("#!")) {
      return Optional.of("a script (#!)");
    }
    if (lower.startsWith("## template:")) {
      return Optional.of("a template (## template: jinja)");
    }
    if (head.startsWith("#include")) {
      return Optional.of("an include list (#include)");
    }
    if (head.startsWith("#cloud-boothook")) {
      return Optional.of("a boothook (#cloud-boothook)");
    }
    if (head.startsWith("#part-handler")) {
      return Optional.of("a part handler (#part-handler)");
    }
    if (head.startsWith("#upstart-job")) {
      return Optional.of("an upstart job (#upstart-job)");
    }
    if (lower.startsWith("content-type:") || lower.startsWith("mime-version:")) {
      return Optional.of("MIME multipart user data");
    }
    return Optional.of("user data without a #cloud-config line");
  }

  private static boolean isBlank(byte[] data) {
    for (byte c : data) {
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * cloud-init's choice: {@code fqdn} if given (the short name from {@code hostname} or its first
   * label), else a {@code hostname} with a dot, else {@code hostname}, else the meta-data's name.
   */
  private static void hostname(Node root, Optional<String> metaHostname, SpecBuilder b) throws ConfigException {
    b.manageEtcHosts(manageEtcHosts(root.get("manage_etc_hosts")));
    if (root.get("preserve_hostname").bool(false)) {
      b.hostname(Optional.empty());
      return;
    }
    Node h = root.get("hostname");
    Node f = root.get("fqdn");
    Optional<String> hostname = h.optScalar().isPresent()
        ? Optional.of(Names.dnsName(h.field(), h.optScalar().get())) : Optional.empty();
    Optional<String> fqdn = f.optScalar().isPresent()
        ? Optional.of(Names.dnsName(f.field(), f.optScalar().get())) : Optional.empty();
    if (fqdn.isEmpty() && hostname.filter(s -> s.contains(".")).isPresent()) {
      fqdn = hostname;
    }
    if (hostname.isEmpty() && fqdn.isEmpty()) {
      hostname = metaHostname;
      fqdn = metaHostname.filter(s -> s.contains("."));
    }
    if (hostname.isEmpty()) {
      hostname = fqdn;
    }
    if (hostname.isEmpty()) {
      return;
    }
    String shortName = hostname.get().contains(".")
        ? hostname.get().substring(0, hostname.get().indexOf('.')) : hostname.get();
    if (fqdn.isPresent() && !fqdn.get().startsWith(shortName + ".")) {
      if (fqdn.get().contains(".")) {
        b.warn(root.file() + ": fqdn does not begin with the host name " + shortName + "; /etc/hosts gets the short name only");
      }
      fqdn = Optional.empty();
    }
    b.hostname(Optional.of(Names.hostName(shortName, fqdn)));
  }

  private static boolean manageEtcHosts(Node n) throws ConfigException {
    if (n.isString()) {
      String s = n.string().strip().toLowerCase(Locale.ROOT);
      if (s.equals("localhost") || s.equals("template")) {
        return true;
      }
    }
    return n.bool(false);
  }

  private static void accounts(Node root, SpecBuilder b) throws ConfigException {
    Node user = root.get("user");
    if (user.isMap()) {
      if (user.has("name")) {
        b.defaultUser(Names.user(user.get("name")));
      }
      entry(b.account(b.defaultUser()), user, b);
    } else if (!user.isAbsent()) {
      b.defaultUser(Names.user(user));
    }
    SpecBuilder.Draft first = b.account(b.defaultUser());
    for (Node u : root.get("users").stringsOrOne(MAX_USERS, ",")) {
      if (u.isMap() && !u.has("name") && u.has("snapuser")) {
        b.notApplied(u.get("snapuser").field()); // a Snap Store account, not a name
      } else if (u.isMap()) {
        String name = Names.user(u.get("name"));
        entry(b.account(name), u, b);
      } else if (u.isString()) {
        String name = u.string().strip();
        if (!name.equals("default")) {
          b.account(Names.user(u.field(), name));
        }
      } else {
        throw u.error("expected a user name or a mapping");
      }
    }
    keys(root.get("ssh_authorized_keys"), first);
    Node chpasswd = root.get("chpasswd");
    boolean named = false;
    if (!chpasswd.isAbsent()) {
      if (!chpasswd.isMap()) {
        throw chpasswd.error("expected a mapping");
      }
      named = chpasswdList(chpasswd.get("list"), b) | chpasswdUsers(chpasswd.get("users"), b);
      if (chpasswd.get("expire").bool(false)) {
        b.notApplied(chpasswd.field() + ".expire");
      }
    }
    Node password = root.get("password");
    if (!named && password.optScalar().isPresent()) {
      first.password = Optional.of(listPassword(password.field(), password.optScalar().get()));
    }
    if (root.get("disable_root").bool(false)) {
      b.notApplied(root.get("disable_root").field());
    }
  }

  /** One {@code users} entry (or the {@code user} mapping) into its account. */
  private static void entry(SpecBuilder.Draft d, Node u, SpecBuilder b) throws ConfigException {
    for (String key : u.keys(64)) {
      if (!USER_KEYS.contains(key)) {
        b.notApplied(u.get(key).field());
      }
    }
    // cloud-init's order: passwd when the account is made, then plain_text_passwd, then hashed_passwd.
    Node passwd = u.get("passwd");
    if (passwd.optString().isPresent()) {
      d.password = Optional.of(new Password.Hashed(CryptHash.parse(passwd.field(), passwd.string())));
    }
    Node plain = u.get("plain_text_passwd");
    if (plain.optScalar().isPresent()) {
      d.password = Optional.of(plain(plain.field(), plain.optScalar().get()));
    }
    Node hashed = u.get("hashed_passwd");
    if (hashed.optString().isPresent()) {
      d.password = Optional.of(new Password.Hashed(CryptHash.parse(hashed.field(), hashed.string())));
    }
    Optional<Boolean> lock = u.get("lock_passwd").optBool();
    if (lock.isPresent()) {
      d.lockPassword = lock;
    }
    keys(u.get("ssh_authorized_keys"), d);
    if (u.get("shell").optString().isPresent()) {
      d.shell = Optional.of(Names.shell(u.get("shell")));
    }
    sudo(u.get("sudo"), d, b);
    Node groups = u.get("groups");
    for (Node g : groups.stringsOrOne(64, ",")) {
      String group = g.string().strip();
      if (SUDO_GROUPS.contains(group)) {
        d.sudo = true;
      } else {
        b.notApplied(groups.field());
      }
    }
  }

  private static void sudo(Node n, SpecBuilder.Draft d, SpecBuilder b) throws ConfigException {
    if (n.isAbsent()) {
      return;
    }
    if (n.isBool()) {
      if (n.bool(false)) {
        b.notApplied(n.field()); // sudo: true is no sudoers rule
      }
      return; // sudo: false: no rule, as in cloud-init
    }
    for (Node rule : n.stringsOrOne(16, null)) {
      if (SUDO_ALL.matcher(rule.string().strip()).matches()) {
        d.sudo = true;
      } else {
        b.notApplied(n.field());
      }
    }
  }

  private static void keys(Node n, SpecBuilder.Draft d) throws ConfigException {
    for (Node k : n.stringsOrOne(MAX_KEYS, null)) {
      if (!k.string().isBlank()) {
        d.keys.add(SshPublicKey.parse(k.field(), k.string()));
      }
    }
  }

  /** {@code chpasswd.list}: {@code user:password} lines in one string, or a list of them. True when it names anyone. */
  private static boolean chpasswdList(Node n, SpecBuilder b) throws ConfigException {
    List<Node> lines = n.isString() ? n.stringsOrOne(MAX_USERS, "\r?\n") : n.items(MAX_USERS);
    for (Node line : lines) {
      String s = line.string().strip();
      int colon = s.indexOf(':');
      if (colon < 0) {
        throw line.error("expected user:password");
      }
      String name = Names.user(line.field(), s.substring(0, colon));
      b.account(name).password = Optional.of(listPassword(line.field(), s.substring(colon + 1)));
    }
    return !lines.isEmpty();
  }

  /** {@code chpasswd.users}: {@code {name, password, type: hash | text}}. True when it names anyone. */
  private static boolean chpasswdUsers(Node n, SpecBuilder b) throws ConfigException {
    List<Node> users = n.items(MAX_USERS);
    for (Node u : users) {
      String name = Names.user(u.get("name"));
      String type = u.get("type").optString().orElse("hash");
      Node pw = u.get("password");
      Password p = switch (type) {
        case "hash" -> new Password.Hashed(CryptHash.parse(pw.field(), pw.string()));
        case "text" -> plain(pw.field(), pw.optScalar().orElseThrow(() -> pw.error("missing")));
        case "RANDOM" -> throw u.get("type").error(
            "RANDOM passwords are not supported (OS Manager prints no password): give a hash or a text");
        default -> throw u.get("type").error("expected hash or text");
      };
      b.account(name).password = Optional.of(p);
    }
    return !users.isEmpty();
  }

  /** A password as {@code chpasswd.list} and {@code password} give it: a hash when it looks like one. */
  static Password listPassword(String field, String s) throws ConfigException {
    if (s.equals("R") || s.equals("RANDOM")) {
      throw new ConfigException(field,
          "RANDOM passwords are not supported (OS Manager prints no password): give a hash or a text");
    }
    if (LOOKS_HASHED.matcher(s).lookingAt() && s.indexOf(':') < 0) {
      return new Password.Hashed(CryptHash.parse(field, s));
    }
    return plain(field, s);
  }

  /** Plain text: 1..256 characters, no NUL or line break. The message never shows it. */
  static Password plain(String field, String s) throws ConfigException {
    if (s.isEmpty()) {
      throw new ConfigException(field, "an empty password");
    }
    if (s.length() > MAX_PASSWORD) {
      throw new ConfigException(field, "a password longer than " + MAX_PASSWORD + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c == '\n' || c == '\r') {
        throw new ConfigException(field, "a password with a NUL or a line break");
      }
    }
    return new Password.Plain(s);
  }
}
