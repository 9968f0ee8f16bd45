package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the appliance's {@code custom/scripts/status} (no shell, with a time limit) and turns its
 * result into a REPORT value (SPEC §4.3): {@code 2000 + exit code} for exit codes 0..127,
 * {@code 2128} when the state is unknown: no script, not executable, killed, timed out.
 *
 * <p>Thread-safe, and never runs two copies of the script at once (calls are serialized).
 */
final class StatusProbe {
  private static final Logger log = LoggerFactory.getLogger(StatusProbe.class);
  private final Path script;
  private final Duration timeout;
  private boolean missingLogged;

  StatusProbe(Path script, Duration timeout) {
    this.script = script;
    this.timeout = timeout;
  }

  /** Runs the script once and returns the status to report. */
  synchronized int run() throws InterruptedException {
    if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
      if (!missingLogged) {
        log.warn("status script {} is missing or not executable; reporting {} (unknown)", script,
            OsmProtocol.REPORT_UNKNOWN);
        missingLogged = true;
      }
      return OsmProtocol.REPORT_UNKNOWN;
    }
    missingLogged = false;
    Processes.Result result;
    try {
      result = Processes.run(List.of(script.toString()), timeout, Map.of(), null);
    } catch (IOException e) {
      log.warn("status script {} could not run: {}; reporting {}", script, e.getMessage(), OsmProtocol.REPORT_UNKNOWN);
      return OsmProtocol.REPORT_UNKNOWN;
    }
    if (result.timedOut()) {
      log.warn("status script {} ran longer than {} s and was killed; reporting {}", script, timeout.toSeconds(),
          OsmProtocol.REPORT_UNKNOWN);
      return OsmProtocol.REPORT_UNKNOWN;
    }
    return toReport(result.exitCode());
  }

  /** 0..127 → 2000 + code; anything else (a signal, 128+N from the JVM) is unknown. */
  static int toReport(int exitCode) {
    return exitCode >= 0 && exitCode <= 127 ? OsmProtocol.REPORT_RUNNING + exitCode : OsmProtocol.REPORT_UNKNOWN;
  }
}
