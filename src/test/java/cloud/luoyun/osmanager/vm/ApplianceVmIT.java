package cloud.luoyun.osmanager.vm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.Chromium;
import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.TestTls;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.ControllerEvent.Kind;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.http.TlsIdentity;
import cloud.luoyun.osmanager.util.Processes;
import cloud.luoyun.osmanager.vm.Vm.Medium;
import cloud.luoyun.osmanager.webssh.FilesPanel;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An appliance image's life in a LuoYun cloud, on a real VM: a Debian 12 image built from
 * Debian's packages with the project's .deb installed by dpkg and an appliance's own parts,
 * booted under QEMU with a config floppy written by the project's jar, talking to the
 * development controller on this machine's loopback. Checked from outside, as the cloud and the
 * instance's owner see it: registration and status reports at the controller, the pages and the
 * web terminal (over HTTPS, its own certificate accepted) through the NIC and its Files panel (a
 * file with a name that is not ASCII uploaded by the picker is on the instance's disk, whole and
 * root's, and downloads back the same), SSH with root's key
 * (and root's password refused from the network); and inside, over SSH: addresses, routes, name
 * servers, new host keys, the config script, no failed units, no errors in the osmanager units'
 * journal. Then a reboot changes nothing, and a boot as a new instance (a clone of the image)
 * gets new host keys and a new terminal certificate and still works. Then the same disk boots as
 * another cloud boots it: no floppy, a NoCloud seed made by {@code cloud-localds} on the CD-ROM
 * drive (host name, address, root's key, root's password in the browser terminal and a file through
 * its Files panel, the public page, status healthy without a controller); with a new instance id it gets new host keys and a new
 * certificate; booted again with the same seed nothing changes, and last the package is removed
 * and purged. Figures are printed, never asserted. Every check of a boot is reported, not only the first
 * failure; a failed boot prints the console, the guest's failed units and the osmanager journal.
 *
 * <p>Needs root (mmdebstrap, chroot, mkfs of a root tree) and is skipped without it; as root, a
 * missing tool is a failure. {@code -Dosm.vm.cache=DIR} (or {@code OSM_VM_CACHE}) keeps the
 * Debian base tarball there between local runs (delete it to refresh); everything else is removed.
 */
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class ApplianceVmIT {
  /** Power-on to registered and serving: a JVM under TCG on two shared cores is slow. */
  private static final Duration BOOT = Duration.ofMinutes(5);
  /** One thing in a booted guest (a status report, a login in the browser). */
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** One file through the Files panel, either way (a few MiB; the guest's JVM under TCG is slow). */
  private static final Duration TRANSFER = Duration.ofMinutes(3);
  /** What root uploads through the page: random bytes under a name that is not ASCII, in root's home. */
  private static final String UPLOAD_NAME = "日志-ü.bin";
  private static final long UPLOAD_SIZE = 3L * 1024 * 1024;
  /** Reboot or power-off until QEMU exits; then it is killed. */
  private static final Duration SHUTDOWN = Duration.ofMinutes(2);
  private static final String DOWN_FLAG = "/run/app-down";
  private static final String CONFIG_RUNS = "/var/lib/appliance/config-runs";
  /** The host name the NoCloud seeds give. */
  private static final String NOCLOUD_HOST = "appliance-nocloud";
  private static final Pattern STEP_LINE = Pattern.compile("([a-z-]+): (changed|unchanged|ran|skipped|failed)(: .*)?");

  @TempDir Path dir;

  private final Recorder<Seen> controllerEvents = new Recorder<>();
  private final SoftAssertions softly = new SoftAssertions();
  private final long testStart = System.nanoTime();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ApplianceImage image;
  private int controllerPort;
  /** Where a failed boot's console and QEMU logs are kept (target/appliance-vm/): small, and what explains a failure. */
  private Path keptLogs;

  /** A controller event and when it arrived (System.nanoTime()). */
  record Seen(long at, ControllerEvent event) {}

  @Test
  void anApplianceBootsAsAnInstanceRebootsUnchangedBootsAsItsCloneAndThenFromNoCloudSeeds() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: mmdebstrap, chroot, mkfs.ext4 -d");
    Commands.requirePrograms("mmdebstrap", "tar", "unshare", "chroot", "mkfs.ext4", "e2fsck", "debugfs",
        "qemu-system-x86_64", "socat", "openssl", "ssh-keygen", "chromium", "cloud-localds");
    Path jar = Path.of(System.getProperty("osm.jar", "target/osmanager.jar")).toAbsolutePath();
    Path deb = debianPackage(jar.getParent());
    keptLogs = jar.getParent().resolve("appliance-vm");
    Instance first = Instance.create(42, dir);
    Instance clone = Instance.create(43, dir);
    // another cloud's instance: its TAG names nothing (no controller), its key, password and MAC are its own
    Instance other = Instance.create(44, dir);

    try {
      long start = System.nanoTime();
      image = ApplianceImage.build(dir.resolve("image"), deb, cache(), ApplianceVmIT::addApplianceParts);
      figure("image", "built from Debian's packages and " + deb.getFileName(), seconds(Duration.ofNanos(System.nanoTime() - start))
          + image.baseBuild.map(d -> " (mmdebstrap " + seconds(d) + ")").orElse(" (cached base tarball)"));
      Path floppy = first.writeFloppy(jar, dir.resolve("floppy-" + first.tag + ".img"));
      Path cloneFloppy = clone.writeFloppy(jar, dir.resolve("floppy-" + clone.tag + ".img"));
      try (DevController controller = new DevController(
          DevController.Options.loopback(Instances.of(Map.of(first.tag, first.key, clone.tag, clone.key))),
          event -> controllerEvents.accept(new Seen(System.nanoTime(), event)))) {
        controllerPort = controller.start().getPort();
        List<String> instanceKeys = new ArrayList<>();
        List<String> instanceCertificate = new ArrayList<>();

        boot("first-boot", first, Medium.floppy(floppy), "systemctl reboot", b -> {
          theFirstReportIs2000(b);
          thePagesAreServed(b);
          rootLogsInWithTheKeyButNotWithThePasswordFromTheNetwork(b);
          theWebTerminalLogsInAsRootOverHttps(b, "CN=LuoYun instance " + first.tag,
              browser -> rootMovesAFileThroughTheFilesPanel(b, browser));
          theNicHasTheConfiguredAddressRouteAndNameServers(b);
          softly.assertThat(b.hostKeys()).as("host keys of the instance vs. the image's own")
              .doesNotContainAnyElementsOf(image.builtHostKeys).contains(b.shell.hostKey);
          theConfigScriptRanOnceInThisBoot(b, 1);
          softly.assertThat(configureSteps(b)).as("configure's lines at the first boot")
              .anyMatch(l -> l.startsWith("host-keys: changed"))
              .anyMatch(l -> l.startsWith("terminal-certificate: changed: made a self-signed certificate for TAG " + first.tag))
              .filteredOn(l -> l.contains(": failed")).isEmpty();
          theSystemIsHealthy(b);
          theStatusScriptsChangesAreReported(b);
          theDaemonStartsFromTheClassDataArchiveInstallMade(b);
          instanceKeys.addAll(b.hostKeys());
          instanceCertificate.add(b.terminalFingerprint());
        });

        boot("reboot", first, Medium.floppy(floppy), "systemctl reboot", b -> {
          theFirstReportIs2000(b);
          // custom/scripts/config runs at every boot (CustomScriptStep, "ran"); nothing may change
          softly.assertThat(configureSteps(b)).as("configure's lines after a reboot").hasSizeGreaterThanOrEqualTo(8)
              .contains("custom-script: ran: custom/scripts/config, exit status 0")
              .filteredOn(l -> !l.matches("[a-z-]+: (unchanged|skipped)(: .*)?|custom-script: ran: .*"))
              .as("configure's lines after a reboot that changed or failed something").isEmpty();
          softly.assertThat(b.hostKeys()).as("host keys after a reboot").containsExactlyInAnyOrderElementsOf(instanceKeys)
              .contains(b.shell.hostKey);
          softly.assertThat(b.terminalFingerprint()).as("the web terminal's certificate after a reboot")
              .isEqualTo(instanceCertificate.get(0));
          theConfigScriptRanOnceInThisBoot(b, 2);
          thePagesAreServed(b);
          theSystemIsHealthy(b);
          theJournalHasOsmanagersPriorities(b);
          aRefusedFloppyIsAWarningAndStatusSaysSo(b);
        });

        List<String> cloneKeys = new ArrayList<>();
        boot("clone", clone, Medium.floppy(cloneFloppy), "systemctl poweroff", b -> {
          theFirstReportIs2000(b);
          softly.assertThat(controllerEvents.count(registered(b.vm, first.tag))).as("registrations as the old TAG").isZero();
          softly.assertThat(b.hostKeys()).as("host keys of the clone vs. the first instance's and the image's")
              .doesNotContainAnyElementsOf(instanceKeys).doesNotContainAnyElementsOf(image.builtHostKeys)
              .contains(b.shell.hostKey);
          softly.assertThat(b.terminalFingerprint()).as("the clone's web terminal certificate vs. the first instance's")
              .isNotEqualTo(instanceCertificate.get(0));
          softly.assertThat(configureSteps(b)).as("configure's lines in the clone")
              .anyMatch(l -> l.startsWith("terminal-certificate: changed: made a self-signed certificate for TAG " + clone.tag));
          rootLogsInWithTheKeyButNotWithThePasswordFromTheNetwork(b);
          theWebTerminalLogsInAsRootOverHttps(b, "CN=LuoYun instance " + clone.tag);
          theConfigScriptRanOnceInThisBoot(b, 3);
          theSystemIsHealthy(b);
          cloneKeys.addAll(b.hostKeys());
        });

        // The same disk in another cloud: no floppy, a NoCloud seed on the CD-ROM drive.
        Path seed = other.writeNoCloudSeed(dir.resolve("seed-1.iso"), "iid-appliance-1", NOCLOUD_HOST);
        List<String> nocloudKeys = new ArrayList<>();
        List<String> nocloudCertificate = new ArrayList<>();
        boot("nocloud", other, Medium.cdrom(seed), "systemctl poweroff", b -> {
          theInstanceRunsOnTheSeedWithoutAController(b);
          rootLogsInWithTheKeyButNotWithThePasswordFromTheNetwork(b);
          theWebTerminalLogsInAsRootOverHttps(b, "CN=osmanager web terminal",
              browser -> rootMovesAFileThroughTheFilesPanel(b, browser));
          theNicHasTheConfiguredAddressRouteAndNameServers(b);
          softly.assertThat(b.hostKeys()).as("host keys from the first NoCloud seed vs. the LuoYun clone's and the image's")
              .doesNotContainAnyElementsOf(cloneKeys).doesNotContainAnyElementsOf(image.builtHostKeys)
              .contains(b.shell.hostKey);
          softly.assertThat(configureSteps(b)).as("configure's lines at the first boot from a NoCloud seed")
              .anyMatch(l -> l.startsWith("config: changed: ") && l.contains("(nocloud, instance iid-appliance-1)"))
              .anyMatch(l -> l.startsWith("host-keys: changed"))
              .filteredOn(l -> l.contains(": failed")).isEmpty();
          softly.assertThat(b.shell.run("test -e /LuoYun/conf/luoyun.conf", WAIT).ok())
              .as("conf/luoyun.conf once the instance runs on a NoCloud seed (moved aside)").isFalse();
          theConfigScriptRanOnceInThisBoot(b, 4);
          theSystemIsHealthy(b);
          nocloudKeys.addAll(b.hostKeys());
          nocloudCertificate.add(b.terminalFingerprint());
        });

        // The cloud says it is another instance (a clone of the VM): a new instance id, nothing else changed.
        Path newId = other.writeNoCloudSeed(dir.resolve("seed-2.iso"), "iid-appliance-2", NOCLOUD_HOST);
        List<String> newIdKeys = new ArrayList<>();
        List<String> newIdCertificate = new ArrayList<>();
        boot("nocloud-id", other, Medium.cdrom(newId), "systemctl poweroff", b -> {
          theInstanceRunsOnTheSeedWithoutAController(b);
          softly.assertThat(b.hostKeys()).as("host keys after a new instance id vs. the last instance's")
              .doesNotContainAnyElementsOf(nocloudKeys).contains(b.shell.hostKey);
          softly.assertThat(fingerprints(b)).as("host key fingerprints after a new instance id vs. the last instance's")
              .doesNotContainAnyElementsOf(fingerprints(nocloudKeys));
          softly.assertThat(b.terminalFingerprint()).as("the web terminal's certificate after a new instance id")
              .isNotEqualTo(nocloudCertificate.get(0));
          softly.assertThat(configureSteps(b)).as("configure's lines after a new instance id")
              .anyMatch(l -> l.startsWith("config: changed: ") && l.contains("(nocloud, instance iid-appliance-2)"))
              .anyMatch(l -> l.startsWith("host-keys: changed"))
              .filteredOn(l -> l.contains(": failed")).isEmpty();
          theWebTerminalLogsInAsRootOverHttps(b, "CN=osmanager web terminal");
          theSystemIsHealthy(b);
          newIdKeys.addAll(b.hostKeys());
          newIdCertificate.add(b.terminalFingerprint());
        });

        boot("nocloud-again", other, Medium.cdrom(newId), "systemctl poweroff", b -> {
          theInstanceRunsOnTheSeedWithoutAController(b);
          softly.assertThat(configureSteps(b)).as("configure's lines after a boot with the same seed").isNotEmpty()
              .filteredOn(l -> !l.matches("[a-z-]+: (unchanged|skipped)(: .*)?|custom-script: ran: .*"))
              .as("configure's lines after a boot with the same seed that changed or failed something").isEmpty();
          softly.assertThat(b.hostKeys()).as("host keys after a boot with the same instance id")
              .containsExactlyInAnyOrderElementsOf(newIdKeys).contains(b.shell.hostKey);
          softly.assertThat(b.terminalFingerprint()).as("the web terminal's certificate after a boot with the same instance id")
              .isEqualTo(newIdCertificate.get(0));
          theSystemIsHealthy(b);
        }, this::thePackageIsRemovedAndPurgedAsDebianDoes);
      }
    } catch (Throwable t) {
      softly.errorsCollected().forEach(t::addSuppressed); // a timeout or a failed boot must not hide the checks that failed before
      throw t;
    }
    softly.assertAll();
  }

  // ---- the checks ----

  private void theFirstReportIs2000(Boot b) throws InterruptedException {
    Seen report = controllerEvents.await(at(b.vm, Kind.REPORT, b.instance.tag), WAIT);
    softly.assertThat(report.event().detail()).as("the first report after registering").startsWith("status=2000");
  }

  private void thePagesAreServed(Boot b) throws Exception {
    String base = "http://127.0.0.1:" + b.vm.ports.web() + "/";
    softly.assertThat(get(base + "?cookie=" + b.instance.cookie).body()).as("the owner's page")
        .contains("Owner page of " + Instance.IP, "TestApp 2.5");
    softly.assertThat(get(base).body()).as("the public page").contains("Public page of " + Instance.IP);
    softly.assertThat(get(base + "?cookie=0000").body()).as("the page for a wrong cookie").contains("Public page of ");
  }

  private void rootLogsInWithTheKeyButNotWithThePasswordFromTheNetwork(Boot b) throws Exception {
    softly.assertThat(b.shell.output("id -un").strip()).as("SSH with root's key from the config").isEqualTo("root");
    softly.assertThat(GuestShell.acceptsPassword(b.vm.ports.ssh(), "root", b.instance.password))
        .as("root's password over SSH from the network").isFalse();
  }

  /** What is done in the web terminal's page once root is logged in, before the browser closes. */
  interface LoggedIn {
    void run(Chromium browser) throws Exception;
  }

  private void theWebTerminalLogsInAsRootOverHttps(Boot b, String subject) throws Exception {
    theWebTerminalLogsInAsRootOverHttps(b, subject, browser -> { });
  }

  /**
   * In a browser, as the owner does: the cloud's http:// link, sent on to HTTPS, the instance's
   * own certificate accepted (the one in its state/, made for its TAG: what the owner's page shows
   * the fingerprint of), then root and the config's password at the terminal's prompts; then
   * {@code then}, in the same page, if root got a shell. Fails fast on the two refusals the
   * terminal shows: a refused host key ends the login with a message; a refused password is asked
   * for again.
   */
  private void theWebTerminalLogsInAsRootOverHttps(Boot b, String subject, LoggedIn then) throws Exception {
    X509Certificate served = TestTls.servedCertificate("127.0.0.1", b.vm.ports.webssh());
    softly.assertThat(TlsIdentity.fingerprint(served)).as("the certificate the terminal serves vs. its state/ file")
        .isEqualTo(b.terminalFingerprint());
    softly.assertThat(served.getSubjectX500Principal().getName()).as("the terminal certificate's subject")
        .isEqualTo(subject);
    try (Chromium browser = new Chromium(dir.resolve("chromium-" + b.vm.name), List.of(Chromium.accepting(served)))) {
      browser.navigate("http://127.0.0.1:" + b.vm.ports.webssh() + "/");
      browser.awaitText("login:", WAIT);
      softly.assertThat(browser.evaluate("location.protocol")).as("the terminal page's scheme").isEqualTo("https:");
      browser.typeLine("root");
      String screen = browser.awaitText(t -> t.contains("assword:") || t.contains("host key"),
          "a password prompt or a host key message", WAIT);
      if (screen.contains("assword:")) {
        browser.typeLine(b.instance.password);
        browser.typeLine("echo WEB-$((6*7))-$(id -un)");
        screen = browser.awaitText(t -> t.contains("WEB-42-root") || t.split("assword:", -1).length > 2,
            "a shell or a second password prompt", WAIT);
      }
      softly.assertThat(screen).as("the web terminal after logging in as root with the config's password")
          .contains("WEB-42-root");
      if (screen.contains("WEB-42-root")) {
        then.run(browser);
      }
    }
  }

  /**
   * Root's Files panel, in the page root logged in to: it opens at /root; a file the test made
   * (random bytes under a name that is not ASCII) uploaded by the picker is then on the instance's
   * disk, whole (its SHA-256), root's, with no temporary file beside it; downloaded back through
   * the browser's own download it is the same again. A failed step is reported (with a screenshot
   * in target/appliance-vm/) and the boot's other checks go on. The file is removed from the
   * instance after, so that later boots of the disk start without it.
   */
  private void rootMovesAFileThroughTheFilesPanel(Boot b, Chromium browser) {
    softly.check(() -> {
      Path local = TestFiles.random(Files.createDirectories(dir.resolve("upload-" + b.vm.name)).resolve(UPLOAD_NAME),
          UPLOAD_SIZE);
      String sum = TestFiles.sha256(local);
      String remote = "'/root/" + UPLOAD_NAME + "'";
      FilesPanel panel = new FilesPanel(browser, WAIT);
      try {
        panel.open();
        panel.awaitFolder("/root");
        long start = System.nanoTime();
        panel.pick(local);
        String state = panel.awaitTransfers(1, TRANSFER);
        Duration up = Duration.ofNanos(System.nanoTime() - start);
        String said = panel.lastTransferText();
        if (!state.equals("done")) {
          throw new AssertionError("the upload of " + UPLOAD_NAME + " through the Files panel ended " + state + ": " + said);
        }
        figure(b.vm.name, "upload by the Files panel's picker (pick to done)", transfer(UPLOAD_SIZE, up)
            + "; the panel said: " + said);
        GuestShell.Result arrived = b.shell.run("stat -c '%U:%G %s' -- " + remote + " && sha256sum < " + remote, WAIT);
        softly.assertThat(arrived.out()).as("owner, size and SHA-256 of " + remote + " on the instance after the upload "
            + arrived.err()).isEqualTo("root:root " + UPLOAD_SIZE + "\n" + sum + "  -\n");
        softly.assertThat(b.shell.run("find /root -maxdepth 1 -name '*.osm-upload-*'", WAIT).out())
            .as("upload temporaries left in /root").isEmpty();

        Path downloads = Files.createDirectories(dir.resolve("downloads-" + b.vm.name));
        browser.downloadInto(downloads);
        panel.awaitListing(UPLOAD_NAME);
        start = System.nanoTime();
        panel.download(UPLOAD_NAME);
        Path got = browser.awaitDownload(downloads, UPLOAD_NAME, UPLOAD_SIZE, TRANSFER);
        figure(b.vm.name, "download by the Files panel (click to saved)",
            transfer(UPLOAD_SIZE, Duration.ofNanos(System.nanoTime() - start)));
        softly.assertThat(TestFiles.sha256(got)).as("SHA-256 of " + UPLOAD_NAME + " downloaded back through the page")
            .isEqualTo(sum);
      } catch (Throwable t) {
        try {
          browser.screenshot(keptLogs.resolve(b.vm.name + "-files-panel.png"));
        } catch (Exception e) {
          t.addSuppressed(e);
        }
        throw t;
      } finally {
        b.shell.run("rm -f -- " + remote, WAIT);
      }
    });
  }

  private static String transfer(long bytes, Duration took) {
    double mib = bytes / (1024.0 * 1024);
    return String.format("%.1f MiB in %.1f s (%.2f MiB/s)", mib, took.toMillis() / 1000.0,
        mib / Math.max(took.toMillis() / 1000.0, 0.001));
  }

  /**
   * An instance configured from a NoCloud seed, seen from outside and inside: the seed's host name
   * (running, /etc/hostname, and on the public page, LuoYun's cookie being absent), no
   * registration at the controller, and {@code osmanager status} healthy without a controller.
   */
  private void theInstanceRunsOnTheSeedWithoutAController(Boot b) throws Exception {
    softly.assertThat(b.shell.output("hostname").strip()).as("the running host name").isEqualTo(NOCLOUD_HOST);
    softly.assertThat(b.shell.output("cat /etc/hostname").strip()).as("/etc/hostname").isEqualTo(NOCLOUD_HOST);
    String base = "http://127.0.0.1:" + b.vm.ports.web() + "/";
    softly.assertThat(get(base).body()).as("the public page").contains("Public page of " + NOCLOUD_HOST);
    softly.assertThat(get(base + "?cookie=" + b.instance.cookie).body()).as("the page for a cookie (no config has one)")
        .contains("Public page of ").doesNotContain("Owner page");
    softly.assertThat(controllerEvents.count(s -> s.at() > b.vm.poweredOn && s.event().kind() == Kind.CONNECTED))
        .as("connections to the controller from a NoCloud instance").isZero();
    GuestShell.Result status = b.shell.run("/LuoYun/bin/osmanager status", Duration.ofMinutes(1));
    System.out.println("[vm] " + b.vm.name + " osmanager status (exit " + status.status() + "):\n" + status.out().strip());
    softly.assertThat(status.status()).as("osmanager status exit (healthy): " + status.err()).isZero();
    softly.assertThat(status.out()).as("osmanager status").contains(": healthy")
        .contains("no controller (config from nocloud)");
  }

  @SuppressWarnings("unchecked")
  private void theNicHasTheConfiguredAddressRouteAndNameServers(Boot b) throws Exception {
    List<Object> links = JSON.std.listFrom(b.shell.output("ip -j addr show"));
    List<String> addresses = new ArrayList<>();
    for (Object o : links) {
      Map<String, Object> link = (Map<String, Object>) o;
      if (b.instance.mac.equals(link.get("address"))) {
        for (Object a : (List<Object>) link.get("addr_info")) {
          Map<String, Object> addr = (Map<String, Object>) a;
          if ("inet".equals(addr.get("family"))) {
            addresses.add(addr.get("local") + "/" + addr.get("prefixlen"));
          }
        }
      }
    }
    softly.assertThat(addresses).as("IPv4 addresses of the NIC with MAC " + b.instance.mac).containsExactly(Instance.IP + "/24");
    List<Object> routes = JSON.std.listFrom(b.shell.output("ip -j route show default"));
    softly.assertThat(routes).as("default routes").hasSize(1)
        .allSatisfy(r -> softly.assertThat(((Map<String, Object>) r).get("gateway")).isEqualTo(Instance.GATEWAY));
    softly.assertThat(b.shell.output("cat /etc/resolv.conf").lines().filter(l -> l.startsWith("nameserver")))
        .as("/etc/resolv.conf").containsExactlyElementsOf(Instance.NAMESERVERS.stream().map(n -> "nameserver " + n).toList());
  }

  /** The appliance's config script writes a line naming the boot it ran in (see addApplianceParts). */
  private void theConfigScriptRanOnceInThisBoot(Boot b, int boots) throws Exception {
    String bootId = b.shell.output("cat /proc/sys/kernel/random/boot_id").strip();
    List<String> runs = b.shell.output("cat " + CONFIG_RUNS).lines().toList();
    softly.assertThat(runs).as("custom/scripts/config runs so far (one per boot, as designed)").hasSize(boots)
        .filteredOn(l -> l.endsWith(bootId)).as("custom/scripts/config runs in this boot").hasSize(1);
  }

  private void theSystemIsHealthy(Boot b) throws Exception {
    GuestShell.Result state = b.shell.run("timeout 120 systemctl is-system-running --wait", Duration.ofSeconds(150));
    softly.assertThat(state.out().strip()).as("systemctl is-system-running").isEqualTo("running");
    softly.assertThat(b.shell.output("systemctl --failed --plain --no-legend --no-pager").strip())
        .as("systemctl --failed").isEmpty();
    // osmanager logs with journald's priorities (a failed configure step is an error too)
    softly.assertThat(b.shell.output("journalctl -b -p err -u 'osmanager*' -o cat --no-pager").strip())
        .as("journal messages of priority err or worse from the osmanager units").isEmpty();
    softly.assertThat(b.shell.output("journalctl -b -u 'osmanager*' -o cat --no-pager").lines())
        .as("Java exceptions in the osmanager units' journal (a stack trace is one entry)")
        .noneMatch(l -> l.contains("Exception"));
    b.shell.output("journalctl -b -p warning -u 'osmanager*' -o cat --no-pager").lines()
        .forEach(l -> System.out.println("[vm] " + b.vm.name + " journal warning: " + l));
    // the rest of the system is the image's business, not osmanager's: shown, not checked
    b.shell.output("journalctl -b -p err -o short-monotonic --no-pager").lines()
        .forEach(l -> System.out.println("[vm] " + b.vm.name + " system journal error: " + l));
  }

  /**
   * What journald took from osmanager, read back as journald stores it: the daemon's start and the
   * status it reports at INFO (6), configure's step lines at INFO, and no message that carries a
   * time of its own (journald has one).
   */
  private void theJournalHasOsmanagersPriorities(Boot b) throws Exception {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (String line : b.shell.output("journalctl -b -u 'osmanager*' -o json --no-pager "
        + "--output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT").lines().toList()) {
      entries.add(JSON.std.mapFrom(line));
    }
    softly.assertThat(entries).as("journal entries of the osmanager units").isNotEmpty();
    softly.assertThat(entries).as("the daemon's start in the journal, at priority 6 (info)")
        .anyMatch(e -> "osmanager.service".equals(e.get("_SYSTEMD_UNIT")) && "6".equals(e.get("PRIORITY"))
            && String.valueOf(e.get("MESSAGE")).matches("(cli\\.ServiceRunner: )?osmanager run started \\(osmanager .*, pid \\d+\\)"));
    softly.assertThat(entries).as("configure's host-keys line in the journal, at priority 6 (info)")
        .anyMatch(e -> "osmanager-configure.service".equals(e.get("_SYSTEMD_UNIT")) && "6".equals(e.get("PRIORITY"))
            && String.valueOf(e.get("MESSAGE")).startsWith("host-keys: "));
    softly.assertThat(entries).as("journal messages that start with a time of their own or a <N> prefix")
        .noneMatch(e -> String.valueOf(e.get("MESSAGE")).matches("(\\d{4}-\\d\\d-\\d\\d[T ]|<\\d>).*"));
  }

  /**
   * A floppy whose config is invalid, as an operator would run it by hand under systemd: configure
   * refuses it with a warning naming the field, changes nothing, and {@code osmanager status}
   * says so (exit 150, degraded) while the daemon stays registered.
   */
  private void aRefusedFloppyIsAWarningAndStatusSaysSo(Boot b) throws Exception {
    String confSum = b.shell.output("sha256sum /LuoYun/conf/luoyun.conf");
    String refused = b.instance.luoyunIni().replace("\"netmask\":\"255.255.255.0\"", "\"netmask\":\"255.0.255.0\"");
    softly.assertThat(refused).as("the refused floppy's config").contains("255.0.255.0");
    b.shell.output("echo " + Base64.getEncoder().encodeToString(refused.getBytes(StandardCharsets.US_ASCII))
        + " | base64 -d | /LuoYun/bin/osmanager floppy /run/refused.img");
    // a unit of its own, as an operator's would be (systemd-run needs D-Bus, which a minimal image lacks)
    b.shell.output("printf '[Service]\\nType=oneshot\\nExecStart=/LuoYun/bin/osmanager configure --source "
        + "/run/refused.img\\n' > /run/systemd/system/osm-refused-floppy.service && systemctl daemon-reload");
    GuestShell.Result run = b.shell.run("systemctl start osm-refused-floppy.service; "
        + "systemctl show -p ExecMainStatus --value osm-refused-floppy.service", Duration.ofMinutes(3));
    softly.assertThat(run.out().strip()).as("exit status of configure of an invalid floppy, run by systemd: " + run.err())
        .isEqualTo("2");
    String warnings = b.shell.output("journalctl -b _SYSTEMD_UNIT=osm-refused-floppy.service -p warning -o cat --no-pager");
    System.out.println("[vm] " + b.vm.name + " refused floppy, journal -p warning: " + warnings.strip());
    softly.assertThat(warnings).as("journal -p warning of configure with an invalid floppy")
        .contains("network[0].netmask: not a contiguous netmask: \"255.0.255.0\"");
    softly.assertThat(b.shell.output("journalctl -b _SYSTEMD_UNIT=osm-refused-floppy.service -p err -o cat --no-pager").strip())
        .as("journal -p err from configure refusing a config (a warning, not an error; systemd's own \"Failed to start\" is not ours)")
        .isEmpty();
    softly.assertThat(b.shell.output("sha256sum /LuoYun/conf/luoyun.conf")).as("conf/luoyun.conf after a refused floppy")
        .isEqualTo(confSum);
    GuestShell.Result status = b.shell.run("/LuoYun/bin/osmanager status", Duration.ofMinutes(1));
    System.out.println("[vm] " + b.vm.name + " status after a refused floppy (exit " + status.status() + "):\n"
        + status.out().strip());
    softly.assertThat(status.status()).as("osmanager status exit after a refused floppy: degraded").isEqualTo(150);
    softly.assertThat(status.out()).as("osmanager status after a refused floppy")
        .contains("refused the config").contains("network[0].netmask: not a contiguous netmask")
        .contains("registered with 10.0.2.100:1369");
    b.shell.output("systemctl reset-failed osm-refused-floppy.service; rm /run/systemd/system/osm-refused-floppy.service"
        + " && systemctl daemon-reload");
  }

  /** The status script exits 3 while a flag file exists: the controller sees 2003, then 2000 again. */
  private void theStatusScriptsChangesAreReported(Boot b) throws Exception {
    long before = System.nanoTime();
    b.shell.output("touch " + DOWN_FLAG);
    softly.check(() -> controllerEvents.await(reportSince(before, b.instance.tag, "status=2003"), WAIT));
    long after = System.nanoTime();
    b.shell.output("rm " + DOWN_FLAG);
    softly.check(() -> controllerEvents.await(reportSince(after, b.instance.tag, "status=2000"), WAIT));
  }

  /** The .deb's postinst made bin/osmanager.jsa for the image's Java, and the daemon maps it. */
  private void theDaemonStartsFromTheClassDataArchiveInstallMade(Boot b) throws Exception {
    softly.assertThat(b.shell.run("test -s /LuoYun/bin/osmanager.jsa", WAIT).ok()).as("bin/osmanager.jsa exists")
        .isTrue();
    softly.assertThat(b.shell.output("grep -c osmanager.jsa /proc/$(systemctl show -p MainPID --value "
        + "osmanager.service)/maps || true").strip()).as("the daemon's mappings of bin/osmanager.jsa").isNotEqualTo("0");
  }

  /**
   * dpkg -r on the running instance: the daemon stops, what install wrote goes (units, launcher,
   * jar, the sshd drop-in), custom/ and conf/ stay, no unit is left failed; dpkg -P: conf/ goes too,
   * custom/ still stays.
   */
  private void thePackageIsRemovedAndPurgedAsDebianDoes(Boot b) throws Exception {
    GuestShell.Result removed = b.shell.run("dpkg -r osmanager", Duration.ofMinutes(3));
    softly.assertThat(removed.status()).as("dpkg -r osmanager: " + removed.out() + removed.err()).isZero();
    softly.assertThat(b.shell.run("systemctl is-active osmanager.service", WAIT).out().strip())
        .as("osmanager.service after dpkg -r").isIn("inactive", "unknown");
    for (String gone : List.of("/LuoYun/bin", "/lib/systemd/system/osmanager.service",
        "/lib/systemd/system/osmanager-configure.service", "/etc/init.d/osmanager",
        "/etc/ssh/sshd_config.d/00-osmanager-web-login.conf")) {
      softly.assertThat(b.shell.run("test -e " + gone, WAIT).ok()).as(gone + " after dpkg -r").isFalse();
    }
    for (String kept : List.of("/LuoYun/conf/nocloud", "/LuoYun/custom/scripts/status")) {
      softly.assertThat(b.shell.run("test -e " + kept, WAIT).ok()).as(kept + " after dpkg -r").isTrue();
    }
    softly.assertThat(b.shell.output("systemctl --failed --plain --no-legend --no-pager").strip())
        .as("systemctl --failed after dpkg -r").isEmpty();
    GuestShell.Result purged = b.shell.run("dpkg -P osmanager", Duration.ofMinutes(2));
    softly.assertThat(purged.status()).as("dpkg -P osmanager: " + purged.out() + purged.err()).isZero();
    softly.assertThat(b.shell.run("test -e /LuoYun/conf", WAIT).ok()).as("/LuoYun/conf after dpkg -P").isFalse();
    softly.assertThat(b.shell.run("test -e /LuoYun/custom/scripts/status", WAIT).ok())
        .as("/LuoYun/custom after dpkg -P").isTrue();
  }

  /** The SHA-256 fingerprints of the guest's host keys, as ssh-keygen -l prints them. */
  private static List<String> fingerprints(Boot b) throws IOException {
    return b.shell.output("for k in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -l -E sha256 -f $k; done").lines()
        .map(l -> l.split(" ")[1]).toList();
  }

  /** The SHA-256 fingerprints of public key lines ("type base64"), as ssh-keygen -l prints them. */
  private List<String> fingerprints(List<String> keys) throws Exception {
    Path file = dir.resolve("keys-" + System.nanoTime() + ".pub");
    Files.write(file, keys);
    try {
      return Commands.run(Duration.ofSeconds(30), "ssh-keygen", "-l", "-E", "sha256", "-f", file.toString()).lines()
          .map(l -> l.split(" ")[1]).toList();
    } finally {
      Files.delete(file);
    }
  }

  /** configure's step lines of this boot, as it printed them to the journal. */
  private static List<String> configureSteps(Boot b) throws IOException {
    List<String> steps = b.shell.output("journalctl -b -u osmanager-configure.service -o cat --no-pager").lines()
        .filter(l -> STEP_LINE.matcher(l).matches()).toList();
    steps.forEach(l -> System.out.println("[vm] " + b.vm.name + " configure: " + l));
    return steps;
  }

  // ---- one boot ----

  interface BootChecks {
    void run(Boot b) throws Exception;
  }

  private void boot(String name, Instance instance, Medium config, String ending, BootChecks checks) throws Exception {
    boot(name, instance, config, ending, checks, b -> { });
  }

  /**
   * Powers the VM on; waits until it serves its page, registered (with a floppy; another cloud's
   * instance has no controller) and accepts root's key over SSH;
   * runs the checks and prints the figures (of the daemon as the checks left it), then the last
   * checks (which may take the daemon away); prints diagnostics when a check of this boot failed;
   * then ends the boot with the command (reboot, poweroff). QEMU is killed at the end in any case.
   */
  private void boot(String name, Instance instance, Medium config, String ending, BootChecks checks, BootChecks last)
      throws Exception {
    progress(name + ": powering on as " + instance + " with the " + config);
    int errorsBefore = softly.errorsCollected().size();
    try (Vm vm = Vm.powerOn(name, dir, image, config, instance.mac, controllerPort)) {
      Boot b = new Boot(vm, instance, config.kind().equals("floppy"));
      boolean diagnosed = false;
      try {
        b.awaitUp();
        progress(name + ": up");
        checks.run(b);
        b.printFigures();
        last.run(b);
        if (softly.errorsCollected().size() > errorsBefore) {
          diagnosed = true;
          diagnose(b);
        }
        b.shutDown(ending);
      } catch (Throwable t) {
        if (!diagnosed) {
          diagnose(b);
        }
        throw t;
      } finally {
        b.closeShell();
      }
    }
  }

  final class Boot {
    final Vm vm;
    final Instance instance;
    /** Booted with LuoYun's floppy: registers with the controller. */
    final boolean registers;
    GuestShell shell;
    private Duration firstPage;
    private Duration registered;
    private Duration login;

    Boot(Vm vm, Instance instance, boolean registers) {
      this.vm = vm;
      this.instance = instance;
      this.registers = registers;
    }

    void awaitUp() throws Exception {
      firstPage = awaitFirstPage();
      if (registers) {
        Seen registration = controllerEvents.await(registered(vm, instance.tag), BOOT);
        registered = vm.sincePowerOn(registration.at());
        softly.assertThat(registration.event().detail()).as("registration").isEqualTo("ip=" + Instance.IP);
      }
      login = vm.awaitConsole("login:", BOOT);
      shell = GuestShell.connect(vm.ports.ssh(), instance.privateKey, WAIT);
    }

    private Duration awaitFirstPage() throws Exception {
      long deadline = vm.poweredOn + BOOT.toNanos();
      while (System.nanoTime() < deadline && vm.isRunning()) {
        try {
          if (get("http://127.0.0.1:" + vm.ports.web() + "/").statusCode() == 200) {
            return vm.sincePowerOn(System.nanoTime());
          }
        } catch (IOException notYet) {
          // QEMU accepts on the forwarded port and drops the connection until the guest listens
        }
        Thread.sleep(250);
      }
      throw new AssertionError(vm.name + ": no page on the forwarded port 8080 within " + BOOT.toSeconds() + " s"
          + (vm.isRunning() ? "" : " (QEMU exited)"));
    }

    /** The SHA-256 fingerprint of the web terminal's own certificate in the guest's state/. */
    String terminalFingerprint() throws Exception {
      String pem = shell.output("cat /LuoYun/state/webssh-tls.crt");
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      return TlsIdentity.fingerprint(c);
    }

    /** The guest's SSH host keys ("type base64", no comment). */
    List<String> hostKeys() throws IOException {
      return shell.output("cat /etc/ssh/ssh_host_*_key.pub").lines().map(ApplianceImage::keyOnly).toList();
    }

    void printFigures() throws IOException {
      Map<String, Long> configure = show("osmanager-configure.service", "ExecMainStartTimestampMonotonic",
          "ExecMainExitTimestampMonotonic");
      Map<String, Long> manager = show("", "FinishTimestampMonotonic");
      double configureStart = configure.get("ExecMainStartTimestampMonotonic") / 1e6;
      double configureTook = (configure.get("ExecMainExitTimestampMonotonic") - configure.get("ExecMainStartTimestampMonotonic")) / 1e6;
      double booted = manager.get("FinishTimestampMonotonic") / 1e6;
      String status = shell.output("cat /proc/$(systemctl show -p MainPID --value osmanager.service)/status");
      String rss = status.lines().filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).strip()).findFirst().orElse("?");
      String n = vm.name;
      figure(n, "power-on to login prompt on the serial console", seconds(login));
      figure(n, "power-on to first page served (port 8080)", seconds(firstPage));
      if (registered != null) {
        figure(n, "power-on to registered at the controller", seconds(registered));
      }
      figure(n, "configure (osmanager-configure.service)", String.format("%.1f s, from %.1f s to %.1f s after kernel start;"
          + " %.0f%% of the %.1f s from kernel start to boot finished", configureTook, configureStart,
          configureStart + configureTook, 100 * configureTook / booted, booted));
      figure(n, "systemd-analyze", shell.output("systemd-analyze").lines().findFirst().orElse("").strip());
      figure(n, "daemon RSS (osmanager.service MainPID VmRSS)", rss);
    }

    private Map<String, Long> show(String unit, String... properties) throws IOException {
      StringBuilder command = new StringBuilder("systemctl show");
      for (String p : properties) {
        command.append(" -p ").append(p);
      }
      command.append(' ').append(unit);
      Map<String, Long> values = new HashMap<>();
      for (String line : shell.output(command.toString().strip()).lines().toList()) {
        int eq = line.indexOf('=');
        values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
      }
      return values;
    }

    /** Asks the guest to reboot or power off; with -no-reboot QEMU then exits. Killed after a bound. */
    void shutDown(String command) throws Exception {
      long start = System.nanoTime();
      shell.runLast(command);
      closeShell();
      boolean exited = vm.awaitExit(SHUTDOWN);
      softly.assertThat(exited).as(vm.name + ": QEMU exited within " + SHUTDOWN.toSeconds() + " s of `" + command + "`")
          .isTrue();
      figure(vm.name, "`" + command + "` until QEMU exited", exited ? seconds(Duration.ofNanos(System.nanoTime() - start))
          : "did not exit: killed");
    }

    void closeShell() {
      if (shell != null) {
        try {
          shell.close();
        } catch (IOException e) {
          // the guest went down first
        }
        shell = null;
      }
    }
  }

  // ---- when a boot fails ----

  /** Prints what helps to see why: the console, QEMU's messages, the controller's events, the guest's units and journal. */
  private void diagnose(Boot b) {
    System.out.println("[vm] ==== diagnostics: " + b.vm.name + " ====");
    System.out.println("[vm] serial console, last lines:\n" + b.vm.consoleTail(4000));
    try {
      Files.createDirectories(keptLogs);
      for (Path log : List.of(b.vm.consoleLog, b.vm.qemuLog)) {
        Files.copy(log, keptLogs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
      System.out.println("[vm] whole console and QEMU's messages kept in " + keptLogs);
    } catch (IOException e) {
      System.out.println("[vm] could not keep the logs in " + keptLogs + ": " + e);
    }
    try {
      System.out.println("[vm] QEMU's messages:\n" + b.vm.qemuMessages());
    } catch (IOException e) {
      System.out.println("[vm] QEMU's messages unreadable: " + e);
    }
    System.out.println("[vm] controller events of this boot:");
    controllerEvents.all().stream().filter(s -> s.at() > b.vm.poweredOn).forEach(s -> System.out.println("[vm]   "
        + seconds(b.vm.sincePowerOn(s.at())) + " " + s.event()));
    if (b.shell != null) {
      for (String command : List.of("systemctl --failed --no-pager", "journalctl -b -u 'osmanager*' --no-pager -n 200",
          "journalctl -b -p warning --no-pager -n 80")) {
        try {
          GuestShell.Result r = b.shell.run(command, Duration.ofSeconds(30));
          System.out.println("[vm] guest$ " + command + "\n" + r.out() + r.err());
        } catch (IOException e) {
          System.out.println("[vm] guest$ " + command + ": " + e);
        }
      }
    } else {
      journalFromDisk(b.vm);
    }
  }

  /**
   * No SSH: stop the VM and read the journal from a copy of its disk (fsck'd, since it was not
   * shut down cleanly), without mounting it.
   */
  private void journalFromDisk(Vm vm) {
    if (Commands.find("journalctl") == null) {
      System.out.println("[vm] no journalctl (systemd) on this machine: the guest's journal cannot be read from its disk");
      return;
    }
    Path copy = dir.resolve("diagnose-disk.img");
    Path out = dir.resolve("diagnose-journal");
    try {
      vm.close();
      Commands.run(Duration.ofMinutes(2), "cp", "--sparse=always", image.disk.toString(), copy.toString());
      Processes.run(List.of("e2fsck", "-fy", copy.toString()), Duration.ofMinutes(2)); // exit 1: errors fixed
      Files.createDirectories(out);
      Commands.run(Duration.ofMinutes(1), "debugfs", "-R", "rdump /var/log/journal " + out, copy.toString());
      System.out.println("[vm] journal of the last boot, from the disk:\n" + Commands.run(Duration.ofMinutes(1),
          "journalctl", "-D", out.resolve("journal").toString(), "-b", "--no-pager", "-n", "300"));
    } catch (Exception e) {
      System.out.println("[vm] journal from the disk unreadable: " + e);
    } finally {
      try {
        Files.deleteIfExists(copy);
        TestFiles.deleteTree(out);
      } catch (IOException e) {
        System.out.println("[vm] could not remove " + copy + " or " + out + ": " + e);
      }
    }
  }

  // ---- the appliance and its surroundings ----

  /** What an appliance builder adds after installing the package: VERSION, pages, scripts, the daemon's options. */
  private static void addApplianceParts(Path rootfs) throws IOException {
    Path custom = rootfs.resolve("LuoYun/custom");
    write(rootfs.resolve("LuoYun/build/VERSION"), "Version: 1.0\nTestApp: 2.5\n", false);
    write(custom.resolve("www/withcookie/index.html"),
        "<html><body><h1>Owner page of $hostname</h1><p>$application $version2</p></body></html>\n", false);
    write(custom.resolve("www/nocookie/index.html"), "<html><body><h1>Public page of $hostname</h1></body></html>\n", false);
    write(custom.resolve("scripts/status"), "#!/bin/sh\n# the application is down while " + DOWN_FLAG + " exists\n"
        + "[ -e " + DOWN_FLAG + " ] && exit 3\nexit 0\n", true);
    write(custom.resolve("scripts/config"), "#!/bin/sh\n# one line per run, naming the boot it ran in\n"
        + "mkdir -p /var/lib/appliance\necho \"ran in boot $(cat /proc/sys/kernel/random/boot_id)\" >> " + CONFIG_RUNS + "\n", true);
    // a status every 5 s instead of every minute, so that a change shows within the test's patience
    write(rootfs.resolve("etc/default/osmanager"), "OSMANAGER_OPTS=\"--status-interval 5\"\n", false);
  }

  private static void write(Path file, String text, boolean executable) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
  }

  /** The newest target/osmanager_*_all.deb, as `mvn package` makes it. */
  private static Path debianPackage(Path target) throws IOException {
    List<Path> debs = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(target, "osmanager_*_all.deb")) {
      s.forEach(debs::add);
    }
    if (debs.isEmpty()) {
      throw new AssertionError("no osmanager_*_all.deb in " + target + ": `mvn package` makes it");
    }
    debs.sort((a, c) -> Long.compare(c.toFile().lastModified(), a.toFile().lastModified()));
    return debs.get(0);
  }

  private static Optional<Path> cache() {
    String dir = System.getProperty("osm.vm.cache", System.getenv("OSM_VM_CACHE"));
    return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir).toAbsolutePath());
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Predicate<Seen> at(Vm vm, Kind kind, int tag) {
    return s -> s.at() > vm.poweredOn && s.event().kind() == kind && Integer.valueOf(tag).equals(s.event().tag());
  }

  private static Predicate<Seen> registered(Vm vm, int tag) {
    return at(vm, Kind.REGISTERED, tag);
  }

  private static Predicate<Seen> reportSince(long since, int tag, String detail) {
    return s -> s.at() > since && s.event().kind() == Kind.REPORT && Integer.valueOf(tag).equals(s.event().tag())
        && s.event().detail().startsWith(detail);
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private void progress(String what) {
    System.out.printf("[vm] %5.0f s %s%n", (System.nanoTime() - testStart) / 1e9, what);
  }

  private static void figure(String where, String what, Object value) {
    System.out.printf("[vm] FIGURE %-11s %-48s %s%n", where, what, value);
  }
}
