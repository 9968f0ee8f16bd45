package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At boot, before the NICs are matched: waits, at most {@link #limit}, until every NIC the config
 * names by MAC exists and udev is done with it ({@code /run/udev/data/n<ifindex>} exists, as
 * libudev's "initialized" means), so that the name the steps use and write into the ifupdown file
 * is its final one ({@code ens3}, not the kernel's {@code eth0} that udev renames). Polls
 * {@code ip -j} every {@link #POLL}. Without udev (a container; a network namespace, which
 * udev does not see) only existence is waited for. Not thread-safe.
 */
final class NicWait {
  private static final Logger log = LoggerFactory.getLogger(NicWait.class);
  /** Long enough for udev on an emulated CPU; bounded, so a wrong MAC costs seconds, not the boot. */
  static final Duration LIMIT = Duration.ofSeconds(10);
  static final Duration POLL = Duration.ofMillis(100);
  static final Path UDEV = Path.of("/run/udev");

  /**
   * @param links every link as the last poll saw it
   * @param missing MACs no link had when the wait ended
   * @param uninitialized names of NICs udev had not finished with when the wait ended
   */
  record Result(List<Ip.Link> links, List<MacAddress> missing, List<String> uninitialized, long waitedMillis) {
    boolean complete() {
      return missing.isEmpty() && uninitialized.isEmpty();
    }
  }

  private final Ip ip;
  private final Optional<Path> udevData;
  private final Duration limit;

  /** @param udevData udev's database folder ({@code /run/udev/data}); empty: do not wait for udev */
  NicWait(Ip ip, Optional<Path> udevData, Duration limit) {
    this.ip = ip;
    this.udevData = udevData;
    this.limit = limit;
  }

  /** The udev database of this system, when udev runs here and sees the NICs (not in a netns). */
  static Optional<Path> udevData(Optional<String> netns) {
    return netns.isEmpty() && Files.isDirectory(UDEV) ? Optional.of(UDEV.resolve("data")) : Optional.empty();
  }

  Result await(Collection<MacAddress> macs) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    Result r;
    while (true) {
      r = check(ip.links(), macs, (System.nanoTime() - start) / 1_000_000);
      if (r.complete()) {
        if (udevData.isPresent()) {
          // udev writes its database entry after renaming the NIC; links read before that check
          // may still carry the kernel's name: read them once more.
          r = new Result(ip.links(), r.missing(), r.uninitialized(), r.waitedMillis());
        }
        break;
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    }
    String what = "NIC(s) with MAC " + macs.stream().map(MacAddress::toString).toList()
        + (udevData.isPresent() ? " to exist and be named by udev" : " to exist");
    if (r.complete()) {
      log.info("waited {} ms for {}", r.waitedMillis(), what);
    } else {
      log.warn("waited {} ms for {}; still missing: {}, not yet initialized by udev: {}", r.waitedMillis(), what,
          r.missing(), r.uninitialized());
    }
    return r;
  }

  private Result check(List<Ip.Link> links, Collection<MacAddress> macs, long waited) {
    List<MacAddress> missing = new ArrayList<>();
    List<String> uninitialized = new ArrayList<>();
    for (MacAddress mac : macs) {
      Optional<Ip.Link> link = links.stream().filter(l -> l.isNic() && l.mac().equals(Optional.of(mac))).findFirst()
          .or(() -> links.stream().filter(l -> l.mac().equals(Optional.of(mac))).findFirst());
      if (link.isEmpty()) {
        missing.add(mac);
      } else if (udevData.isPresent() && !Files.exists(udevData.get().resolve("n" + link.get().index()))) {
        uninitialized.add(link.get().name());
      }
    }
    return new Result(links, missing, uninitialized, waited);
  }
}
