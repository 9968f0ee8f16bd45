package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.SshPublicKey;
import java.io.IOException;
import java.util.Optional;

/**
 * A NoCloud seed ({@code cidata}) mapped into an {@link InstanceSpec}: the files at the volume's
 * root, as Proxmox, virt-install and cloud-localds write them.
 * <ul>
 *   <li>{@code meta-data} (YAML, or JSON as cloud-localds writes it; empty as virt-install writes
 *       it): {@code instance-id} ({@code nocloud} when there is none, as cloud-init does),
 *       {@code local-hostname}, {@code public-keys} (the default user's), and
 *       {@code network-interfaces} (ifupdown text, used when there is no network-config);
 *   <li>{@code user-data}: see {@link CloudConfig};
 *   <li>{@code network-config}: see {@link NetworkConfig};
 *   <li>{@code vendor-data}: read and not applied (listed when it is not empty).
 * </ul>
 * Each file is at most {@value SeedParser#MAX_FILE} bytes. A bad value anywhere refuses the whole
 * seed with one line naming the file and field; nothing of it is applied.
 */
public final class NoCloud {
  /** cloud-init's instance id for a seed whose meta-data has none. */
  public static final String DEFAULT_INSTANCE_ID = "nocloud";

  private NoCloud() {}

  public static InstanceSpec read(SeedFiles files) throws IOException, ConfigException {
    Optional<byte[]> metaBytes = SeedParser.read(files, "meta-data");
    Optional<byte[]> user = SeedParser.read(files, "user-data");
    if (metaBytes.isEmpty() && user.isEmpty()) {
      throw new ConfigException("meta-data", "missing, and no user-data either: not a NoCloud seed");
    }
    Node meta = Node.root("meta-data", metaBytes.isEmpty() ? null
        : SeedParser.yaml("meta-data", SeedParser.text("meta-data", metaBytes.get())));
    if (!meta.isAbsent() && !meta.isMap()) {
      throw meta.error("expected a mapping (instance-id, local-hostname)");
    }
    SpecBuilder b = new SpecBuilder(InstanceSpec.Source.NOCLOUD, DEFAULT_INSTANCE_ID);
    Node iid = meta.isAbsent() ? meta : meta.get("instance-id");
    if (iid.optScalar().isPresent()) {
      b.instanceId(Names.instanceId(iid.field(), iid.optScalar().get().strip()));
    }
    Optional<String> metaHostname = Optional.empty();
    if (!meta.isAbsent() && meta.get("local-hostname").optScalar().isPresent()) {
      Node h = meta.get("local-hostname");
      metaHostname = Optional.of(Names.dnsName(h.field(), h.optScalar().get()));
    }
    CloudConfig.apply("user-data", user, metaHostname, b);
    if (!meta.isAbsent()) {
      for (Node k : meta.get("public-keys").stringsOrOne(CloudConfig.MAX_KEYS, null)) {
        b.account(b.defaultUser()).keys.add(SshPublicKey.parse(k.field(), k.string()));
      }
    }
    Optional<byte[]> net = SeedParser.read(files, "network-config");
    if (net.isPresent()) {
      b.network(NetworkConfig.parse(Node.root("network-config",
          SeedParser.yaml("network-config", SeedParser.text("network-config", net.get()))), b));
    } else if (!meta.isAbsent() && meta.get("network-interfaces").optString().isPresent()) {
      b.network(Eni.parse("meta-data: network-interfaces", meta.get("network-interfaces").string(), b));
    }
    Optional<byte[]> vendor = SeedParser.read(files, "vendor-data");
    if (vendor.isPresent() && !SeedParser.text("vendor-data", vendor.get()).isBlank()) {
      b.notApplied("vendor-data");
    }
    return b.build();
  }
}
