/**
 * Other clouds' config files mapped into the one description of the instance that the configure
 * steps read, {@link cloud.luoyun.osmanager.config.InstanceSpec}: NoCloud seeds ({@code cidata}:
 * Proxmox VE, virt-install, cloud-localds) and OpenStack config drives ({@code config-2}: nova,
 * Proxmox's configdrive2). The volume itself (ISO9660, vfat, a folder) is read elsewhere and
 * handed over as {@link cloud.luoyun.osmanager.config.cloud.SeedFiles}.
 *
 * <p>Use:
 * <pre>{@code
 * InstanceSpec spec = NoCloud.read(files);      // or ConfigDrive.read(files)
 * // a ConfigException is one line naming file and field: bad input, nothing applied
 * // spec.notApplied(): the keys and files read and not applied, for one warning and status
 * }</pre>
 *
 * <p>The parts: {@code SeedParser} reads each file within its limit and parses YAML (SnakeYAML,
 * YAML 1.1 as cloud-init) and JSON; {@code Node} walks the parsed values with their path for
 * messages; {@code CloudConfig} maps {@code #cloud-config} user data (host name, accounts,
 * passwords, keys), {@code NetworkConfig} versions 1 and 2, {@code NetworkData} OpenStack's
 * {@code network_data.json}, {@code Eni} ifupdown text; {@code SpecBuilder} merges them into the
 * spec. Every value goes through the config value types ({@code MacAddress}, {@code CryptHash},
 * {@code SshPublicKey}, {@code Netmask}, {@code Ipv4Address}) or {@code Names}/{@code IpLiterals}
 * here. What each cloud-init key does here: {@code docs/other-clouds.md}.
 */
package cloud.luoyun.osmanager.config.cloud;
