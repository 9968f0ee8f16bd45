/**
 * The configurator (the seed's pyosc): applies the instance config the cloud hands over to the
 * system it runs on, before the network is up.
 *
 * <p>Use from another command in the same process (boot, demo):
 * <pre>{@code
 * Report r = new Configurator(Configurator.Options.of(home).withRoot(root).withSource(source))
 *     .run(step -> System.out.println(step.line()));
 * if (r.badInput().isPresent()) System.err.println(r.badInput().get());
 * int status = r.exitCode(); // 0 ok, 1 a step failed, 2 config invalid (nothing changed)
 * }</pre>
 *
 * <p>Steps, in order, each idempotent and printing one line:
 * <ul>
 * <li>{@code config}: floppy → conf/luoyun.conf (the floppy driver gets up to 10 s to show its
 *     device). No floppy: the conf in place is used. Neither: bad input (exit 2), except at boot
 *     ({@code --before-network}): one skipped line, exit 0, and the daemon's unit (which needs the
 *     conf) does not start.
 * <li>{@code hostname} ({@link cloud.luoyun.osmanager.configure.HostnameStep}): the spec's host
 *     name into {@code etc/hostname}, the running host name (on the running system), and the
 *     {@code 127.0.1.1} line of {@code etc/hosts} when the source manages it; skipped for
 *     LuoYun's config, which has none.
 * <li>For each account of the spec, the default user first: {@code NAME-account} (not for root:
 *     {@code useradd -m}, with {@code --root} for an image tree, when the account does not exist),
 *     {@code NAME-password} (shadow's hash field; plain text hashed with SHA-512 crypt; the lock)
 *     and {@code NAME-ssh-keys} (root's: {@code root-ssh-key}, as ever). LuoYun's config has root
 *     only, applied at every boot; from NoCloud and ConfigDrive accounts are applied once per
 *     instance, as cloud-init does.
 * <li>{@code sshd-web-login}: the drop-in {@code etc/ssh/sshd_config.d/00-osmanager-web-login.conf}
 *     ({@code Match User root Address 127.0.0.1,::1} → {@code PermitRootLogin yes},
 *     {@code PasswordAuthentication yes}): root may log in with its password from this machine
 *     only, which is where the web terminal connects from; from the network root logs in as
 *     sshd_config says (on a stock sshd, {@code prohibit-password}: key only). Written when root
 *     has a password in the config (LuoYun's passwd_hash), the web terminal is enabled and
 *     sshd_config exists and includes
 *     {@code sshd_config.d/*.conf}; removed (when it carries the mark) otherwise. By hand on the
 *     running system a change is followed by {@code systemctl try-reload-or-restart ssh.service}.
 * <li>{@code nics}: static addresses (IPv4 and IPv6), MTU, the default route of each family and
 *     the NICs' routes with {@code ip}; DHCP and SLAAC are left to the backend. At boot
 *     ({@code --before-network}) all of it is left to the network backend when it is enabled and
 *     reads the files of the next step ({@link cloud.luoyun.osmanager.configure.NetworkBackend}),
 *     since it starts after configure and fails on addresses that already exist.
 * <li>{@code network-files}: NetworkManager keyfile, systemd-networkd .network file, or ifupdown
 *     {@code interfaces.d/osmanager}, for the backend that brings the NICs up.
 * <li>{@code nameservers}: {@code etc/resolv.conf} (or a systemd-resolved drop-in), IPv4 and IPv6
 *     servers and search domains.
 * <li>{@code terminal-certificate}: the web terminal's own self-signed certificate and key in
 *     {@code state/} (webssh-tls.crt, webssh-tls.key 0600), made for a new instance, like the host keys,
 *     and anew when the one there does not match its key or expires within 30 days
 *     ({@link cloud.luoyun.osmanager.webssh.TerminalCertificate#renew}); skipped when the config
 *     disables the terminal.
 * <li>{@code host-keys}: a new TAG gets new SSH host keys (rsa, ecdsa, ed25519), made with
 *     {@code ssh-keygen -t} in a temp folder inside etc/ssh, each pair checked with
 *     {@code ssh-keygen -y} and fsynced, then renamed into place one type at a time (the old
 *     private key first out, the new one last in); old keys of other types go last. At every
 *     instant each private key matches its .pub and at least two types are complete, so a power
 *     cut never leaves sshd without keys; a full disk or a failing ssh-keygen leaves the old set
 *     as it was. The instance is recorded ({@link cloud.luoyun.osmanager.configure.InstanceState}:
 *     LuoYun's TAG in {@code state/applied-tag}, as release 0.2.0 kept it, so an upgrade is not a
 *     new instance; another source's id in {@code state/applied-instance.json}) after the whole
 *     set is in place: a cut before means the next boot makes them again.
 * <li>{@code custom-script}.
 * </ul>
 * The network steps read the source-neutral {@link cloud.luoyun.osmanager.config.InstanceSpec}; the
 * files configure owns carry {@link cloud.luoyun.osmanager.configure.SysFiles#MARK} on their first
 * line. At boot the NICs the config names by MAC are waited for first (up to 10 s), until they exist
 * and udev has named them ({@code /run/udev/data/n<ifindex>}), so the names written are the final
 * ones. Every command goes through a {@link cloud.luoyun.osmanager.configure.CommandRunner} as an
 * argument list; NIC commands are {@code ip [-n NETNS] ...}, so tests and demos can work inside a
 * network namespace ({@code Options.withNetns}).
 */
package cloud.luoyun.osmanager.configure;
