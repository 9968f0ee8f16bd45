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
 * <p>Steps, in order, each idempotent and printing one line: {@code config} (floppy →
 * conf/luoyun.conf), {@code root-password}, {@code root-ssh-key}, {@code nics}, {@code network-files},
 * {@code nameservers}, {@code host-keys}, {@code custom-script}. Every command goes through a
 * {@link cloud.luoyun.osmanager.configure.CommandRunner} as an argument list; NIC commands are
 * {@code ip [-n NETNS] ...}, so tests and demos can work inside a network namespace
 * ({@code Options.withNetns}).
 */
package cloud.luoyun.osmanager.configure;
