package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.web.AgentStatusSource.AgentStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pages and status.json read from the kernel, against prepared /proc files. */
class HostFactsTest {
  @TempDir
  Path proc;

  @Test
  void theDefaultRouteWithTheLowestMetricNamesThePrimaryInterface() throws Exception {
    TestSite.write(proc.resolve("net/route"), String.join("\n",
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
        "ens4\t00000000\t0100000A\t0003\t0\t0\t200\t00000000\t0\t0\t0",
        "ens3\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0",
        "ens3\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
        "down0\t00000000\t0100000A\t0002\t0\t0\t1\t00000000\t0\t0\t0",
        "garbage line",
        ""));
    assertThat(new HostAddresses(proc.resolve("net/route")).defaultRouteInterface()).contains("ens3");
  }

  @Test
  void withoutADefaultRouteThereIsNoPrimaryInterface() throws Exception {
    TestSite.write(proc.resolve("net/route"), "Iface\tDestination\n");
    assertThat(new HostAddresses(proc.resolve("net/route")).defaultRouteInterface()).isEmpty();
    assertThat(new HostAddresses(proc.resolve("missing")).defaultRouteInterface()).isEmpty();
  }

  @Test
  void statusReadsUptimeLoadAndMemoryFromProc() throws Exception {
    TestSite.write(proc.resolve("uptime"), "12345.67 2345.00\n");
    TestSite.write(proc.resolve("loadavg"), "0.50 0.25 0.10 1/123 4567\n");
    TestSite.write(proc.resolve("meminfo"), "MemTotal:        2048000 kB\nMemFree:  1 kB\nMemAvailable:    1024000 kB\n");
    Map<String, Object> m = new StatusReport(proc, HostAddresses.system()).build("h", VersionInfo.UNKNOWN,
        AgentStatus.of(false, OptionalInt.of(2003)), Instant.EPOCH);
    assertThat(m.get("uptimeSeconds")).isEqualTo(12345L);
    assertThat(m.get("load")).isEqualTo(Map.of("1m", 0.5, "5m", 0.25, "15m", 0.1));
    assertThat(m.get("memory")).isEqualTo(Map.of("totalKiB", 2048000L, "availableKiB", 1024000L));
    assertThat(((Map<?, ?>) m.get("application")).get("state")).isEqualTo("not ready (status script exit 3)");
    assertThat(((Map<?, ?>) m.get("agent")).get("registered")).isEqualTo(false);
  }

  @Test
  void unreadableProcFilesGiveNullsNotErrors() {
    Map<String, Object> m = new StatusReport(proc.resolve("nothing"), HostAddresses.system()).build("h",
        VersionInfo.UNKNOWN, AgentStatus.unknown(), Instant.EPOCH);
    assertThat(m).containsEntry("uptimeSeconds", null).containsEntry("load", null).containsEntry("memory", null);
  }

  @Test
  void reportCodesMeanWhatTheSpecSays() {
    assertThat(StatusReport.stateOf(2000)).isEqualTo("running");
    assertThat(StatusReport.stateOf(2001)).isEqualTo("not ready (status script exit 1)");
    assertThat(StatusReport.stateOf(2127)).isEqualTo("not ready (status script exit 127)");
    assertThat(StatusReport.stateOf(2128)).isEqualTo("unknown");
    assertThat(StatusReport.stateOf(-1)).isEqualTo("unknown");
  }
}
