package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.SshPublicKey;
import cloud.luoyun.osmanager.config.Values;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An OpenStack config drive ({@code config-2}) mapped into an {@link InstanceSpec}, as nova and
 * Proxmox's configdrive2 write it. The files are read from {@code openstack/latest}, else from the
 * newest dated folder ({@code openstack/2018-08-27}):
 * <ul>
 *   <li>{@code meta_data.json}: {@code uuid} (the instance id), {@code hostname}, {@code public_keys}
 *       and {@code keys} (the default user's), {@code admin_pass} (plain text: the default user's
 *       password unless the user data sets one), {@code network_config.content_path} (Proxmox's
 *       ifupdown text, {@code /content/NNNN} only); {@code files} (injected files) are listed as
 *       not applied;
 *   <li>{@code user_data}: see {@link CloudConfig};
 *   <li>{@code network_data.json}: see {@link NetworkData}; without it, the ifupdown text of
 *       {@code network_config} ({@link Eni});
 *   <li>{@code vendor_data.json}, {@code vendor_data2.json}: read and not applied (listed unless
 *       empty or {@code {}}).
 * </ul>
 * Each file is at most {@value SeedParser#MAX_FILE} bytes. A bad value anywhere refuses the whole
 * drive with one line naming the file and field.
 */
public final class ConfigDrive {
  private static final Pattern DATED = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern CONTENT = Pattern.compile("/?content/[0-9]{4}");

  private ConfigDrive() {}

  public static InstanceSpec read(SeedFiles files) throws IOException, ConfigException {
    String dir = "openstack/" + version(files.list("openstack"));
    String metaName = dir + "/meta_data.json";
    byte[] metaBytes = SeedParser.read(files, metaName)
        .orElseThrow(() -> new ConfigException(metaName, "missing: not a config drive"));
    Node meta = Node.root(metaName, SeedParser.json(metaName, SeedParser.text(metaName, metaBytes)));
    if (!meta.isMap()) {
      throw meta.error("expected a JSON object");
    }
    Node uuid = meta.get("uuid");
    String id = Names.instanceId(uuid.field(), uuid.optScalar().orElseThrow(() -> uuid.error("missing")));
    SpecBuilder b = new SpecBuilder(InstanceSpec.Source.CONFIGDRIVE, id);

    Optional<String> hostname = Optional.empty();
    if (meta.get("hostname").optString().isPresent()) {
      hostname = Optional.of(Names.dnsName(meta.get("hostname").field(), meta.get("hostname").string()));
    }
    String userName = dir + "/user_data";
    CloudConfig.apply(userName, SeedParser.read(files, userName), hostname, b);

    SpecBuilder.Draft first = b.account(b.defaultUser());
    Node publicKeys = meta.get("public_keys");
    for (String name : publicKeys.keys(CloudConfig.MAX_KEYS)) {
      Node k = publicKeys.get(name);
      first.keys.add(SshPublicKey.parse(k.field(), k.string()));
    }
    for (Node k : meta.get("keys").items(CloudConfig.MAX_KEYS)) {
      Optional<String> type = k.get("type").optString();
      if (type.isEmpty() || type.get().equals("ssh")) {
        first.keys.add(SshPublicKey.parse(k.get("data").field(), k.get("data").string()));
      } else {
        b.notApplied(k.field() + " (" + type.get() + ")");
      }
    }
    Node adminPass = meta.get("admin_pass");
    if (adminPass.optScalar().isPresent()) {
      // checked even when the user data's password wins: a bad value refuses the drive all the same
      InstanceSpec.Password p = CloudConfig.plain(adminPass.field(), adminPass.optScalar().get());
      if (first.password.isEmpty()) {
        first.password = Optional.of(p);
      }
    }
    if (!meta.get("files").items(1024).isEmpty()) {
      b.notApplied(meta.get("files").field());
    }

    String netName = dir + "/network_data.json";
    Optional<byte[]> net = SeedParser.read(files, netName);
    Node contentPath = meta.get("network_config").get("content_path");
    if (net.isPresent()) {
      b.network(NetworkData.parse(Node.root(netName, SeedParser.json(netName, SeedParser.text(netName, net.get()))), b));
    } else if (contentPath.optString().isPresent()) {
      String p = contentPath.string();
      if (!CONTENT.matcher(p).matches()) {
        throw contentPath.error("expected /content/NNNN, got " + Values.quote(p));
      }
      String eniName = "openstack/" + (p.startsWith("/") ? p.substring(1) : p);
      byte[] eni = SeedParser.read(files, eniName)
          .orElseThrow(() -> contentPath.error("no such file: " + eniName));
      b.network(Eni.parse(eniName, SeedParser.text(eniName, eni), b));
    }
    for (String vendor : List.of("vendor_data.json", "vendor_data2.json")) {
      String name = dir + "/" + vendor;
      Optional<byte[]> v = SeedParser.read(files, name);
      if (v.isPresent()) {
        String t = SeedParser.text(name, v.get()).strip();
        if (!t.isEmpty() && !t.equals("{}")) {
          b.notApplied(name);
        }
      }
    }
    return b.build();
  }

  /** {@code latest}, else the newest dated version. */
  private static String version(List<String> names) throws ConfigException {
    if (names.contains("latest")) {
      return "latest";
    }
    return names.stream().filter(n -> DATED.matcher(n).matches()).max(Comparator.naturalOrder())
        .orElseThrow(() -> new ConfigException("openstack", "no latest or dated version folder: not a config drive"));
  }
}
