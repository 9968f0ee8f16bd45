package cloud.luoyun.osmanager.vm;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One instance as the cloud describes it to the VM: TAG and KEY (the controller knows them), a
 * fresh root password (its SHA-512 crypt hash in the config), a fresh ed25519 key for root, the
 * owner's cookie and one NIC on QEMU's user network. Written as luoyun.ini onto a config floppy
 * by the project's own jar, as a compute node does; or, as another cloud's instance, as a NoCloud
 * seed made by {@code cloud-localds} (the password in plain text there, as users write it).
 */
final class Instance {
  /** QEMU's user network: the guest's usual address, its gateway and DNS, and where guestfwd points. */
  static final String IP = "10.0.2.15";
  static final String GATEWAY = "10.0.2.2";
  static final List<String> NAMESERVERS = List.of("10.0.2.3", "9.9.9.9");
  static final String CONTROLLER_IP = "10.0.2.100";
  static final int CONTROLLER_PORT = 1369;

  final int tag;
  final String key;
  final String mac;
  final String cookie;
  final String password;
  final Path privateKey;
  final String publicKey;
  private final String passwdHash;

  private Instance(int tag, String key, String mac, String cookie, String password, String passwdHash,
      Path privateKey, String publicKey) {
    this.tag = tag;
    this.key = key;
    this.mac = mac;
    this.cookie = cookie;
    this.password = password;
    this.passwdHash = passwdHash;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** A new instance with its own secrets; its SSH key pair is made in dir. */
  static Instance create(int tag, Path dir) throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] b = new byte[20];
    random.nextBytes(b);
    String cookie = HexFormat.of().formatHex(b);
    String password = "Vm-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    // the password goes on stdin, never on a command line other processes can read
    String hash = Commands.run(Duration.ofSeconds(30), (password + "\n").getBytes(StandardCharsets.UTF_8),
        List.of("openssl", "passwd", "-6", "-stdin")).strip();
    String mac = String.format("52:54:00:%02x:%02x:%02x", random.nextInt(256), random.nextInt(256), tag & 0xff);
    Path privateKey = dir.resolve("root-key-" + tag);
    Commands.run(Duration.ofSeconds(30), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "owner-of-" + tag,
        "-f", privateKey.toString());
    String publicKey = Files.readString(privateKey.resolveSibling(privateKey.getFileName() + ".pub")).strip();
    return new Instance(tag, UUID.randomUUID().toString(), mac, cookie, password, hash, privateKey, publicKey);
  }

  /** luoyun.ini as the compute node writes it (SPEC §3). */
  String luoyunIni() throws Exception {
    Map<String, Object> nic = new LinkedHashMap<>();
    nic.put("ip", IP);
    nic.put("netmask", "255.255.255.0");
    nic.put("gateway", GATEWAY);
    nic.put("mac", mac);
    nic.put("type", "default");
    nic.put("nameservers", String.join(" ", NAMESERVERS));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("cookie", cookie);
    json.put("webssh", Map.of("status", "enable", "port", 8001));
    json.put("network", List.of(nic));
    json.put("nameservers", String.join(" ", NAMESERVERS));
    json.put("passwd_hash", passwdHash);
    json.put("public_key", publicKey);
    return "CLC_IP=" + CONTROLLER_IP + "\nCLC_PORT=" + CONTROLLER_PORT + "\nCLC_MCAST_IP=228.0.0.1\nCLC_MCAST_PORT=1369\n"
        + "TAG=" + tag + "\nKEY=" + key + "\nJSON=" + JSON.std.asString(json) + "\n";
  }

  /** {@code java -jar osmanager.jar floppy OUT < luoyun.ini}: the config floppy of this instance. */
  Path writeFloppy(Path jar, Path out) throws Exception {
    Commands.run(Duration.ofSeconds(60), luoyunIni().getBytes(StandardCharsets.US_ASCII), List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "floppy", out.toString()));
    return out;
  }

  /**
   * A NoCloud seed ISO for this instance, made as a new user makes one from cloud-init's
   * documentation: {@code cloud-localds -N network-config seed.iso user-data meta-data}. The user
   * data names the host and gives root (cloud-init's default user, which OS Manager takes to be
   * root) the password in plain text and the key; the network config (version 2) gives the NIC,
   * matched by its MAC, the static address QEMU's user network expects; the meta-data holds the
   * instance id only. The seed's files are kept in a folder beside the ISO, for a look after a failure.
   */
  Path writeNoCloudSeed(Path iso, String instanceId, String hostname) throws Exception {
    Path files = iso.resolveSibling(iso.getFileName() + ".d");
    Files.createDirectories(files);
    Path userData = Files.writeString(files.resolve("user-data"), "#cloud-config\n"
        + "hostname: " + hostname + "\n"
        + "password: \"" + password + "\"\n"
        + "chpasswd:\n  expire: false\n"
        + "ssh_authorized_keys:\n  - " + publicKey + "\n");
    Path metaData = Files.writeString(files.resolve("meta-data"), "instance-id: " + instanceId + "\n");
    Path networkConfig = Files.writeString(files.resolve("network-config"), "version: 2\n"
        + "ethernets:\n"
        + "  nic0:\n"
        + "    match:\n      macaddress: \"" + mac + "\"\n"
        + "    addresses: [" + IP + "/24]\n"
        + "    routes:\n      - to: default\n        via: " + GATEWAY + "\n"
        + "    nameservers:\n      addresses: [" + String.join(", ", NAMESERVERS) + "]\n");
    Commands.run(Duration.ofSeconds(60), "cloud-localds", "-N", networkConfig.toString(), iso.toString(),
        userData.toString(), metaData.toString());
    return iso;
  }

  @Override
  public String toString() {
    return "instance TAG " + tag + " (MAC " + mac + ")";
  }
}
