package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import cloud.luoyun.osmanager.config.Values;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names a seed gives, checked before anything uses them in a file, a command's argument list
 * or a path: host names (RFC 1123), user names (a safe POSIX name, as Debian's {@code adduser}
 * takes it), interface names (what the kernel takes) and instance ids.
 */
final class Names {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}");
  private static final Pattern SHELL = Pattern.compile("(/[A-Za-z0-9._+-]+)+");

  private Names() {}

  /**
   * A DNS name of RFC 1123 labels, 253 characters at most; one trailing dot (the absolute form) is
   * dropped.
   */
  static String dnsName(String field, String given) throws ConfigException {
    String name = given.strip();
    if (name.endsWith(".") && name.length() > 1) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.length() > 253) {
      throw new ConfigException(field, "longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new ConfigException(field, "not an RFC 1123 host name: " + Values.quote(given));
      }
    }
    return name;
  }

  /** A host name from a short name and a fully qualified one as cloud-init pairs them. */
  static HostName hostName(String shortName, Optional<String> fqdn) {
    String s = shortName.contains(".") ? shortName.substring(0, shortName.indexOf('.')) : shortName;
    return new HostName(s, fqdn.filter(f -> f.startsWith(s + ".")));
  }

  static String user(Node n) throws ConfigException {
    return user(n.field(), n.optScalar().orElseThrow(() -> n.error("missing")));
  }

  /** A user name: lower-case letter or '_' first, then letters, digits, '_' or '-', 32 at most. */
  static String user(String field, String s) throws ConfigException {
    if (!USER.matcher(s).matches()) {
      throw new ConfigException(field, "not a safe user name (expected: [a-z_][a-z0-9_-]{0,31}): "
          + Values.quote(s));
    }
    return s;
  }

  static String iface(String field, String s) throws ConfigException {
    if (!IFACE.matcher(s).matches() || s.equals(".") || s.equals("..")) {
      throw new ConfigException(field, "not an interface name: " + Values.quote(s));
    }
    return s;
  }

  /**
   * An instance id: what {@code state/} records to tell a new instance from a reboot. Letters,
   * digits and {@code . _ : @ + -}, 128 at most (Proxmox writes a SHA-1 in hex, nova a UUID,
   * people {@code iid-local01}).
   */
  static String instanceId(String field, String s) throws ConfigException {
    if (!INSTANCE_ID.matcher(s).matches()) {
      throw new ConfigException(field, "not an instance id (expected: 1..128 letters, digits, . _ : @ + -): "
          + Values.quote(s));
    }
    return s;
  }

  /** A login shell: an absolute path of plain names. */
  static String shell(Node n) throws ConfigException {
    String s = n.string();
    if (!SHELL.matcher(s).matches() || s.contains("/../") || s.endsWith("/..") || s.length() > 256) {
      throw n.error("not a shell's absolute path: " + Values.quote(s));
    }
    return s;
  }
}
