package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {

  @AfterEach
  void restoreTheJdkDefaults() throws Exception {
    LogManager.getLogManager().readConfiguration();
  }

  /**
   * JDK logging holds loggers weakly: a level set on a logger nobody else holds yet is lost at the
   * next garbage collection, and the library then logs at the root's level after all.
   */
  @Test
  void librariesStayQuietWhenTheirLoggersAreMadeAfterAGarbageCollection() {
    Logging.configure(null, "test.log", false);
    for (int i = 0; i < 5; i++) {
      System.gc();
    }

    assertThat(Logger.getLogger("org.apache.sshd.server.SshServer").isLoggable(Level.INFO)).isFalse();
    assertThat(Logger.getLogger("org.eclipse.jetty.server.Server").isLoggable(Level.INFO)).isFalse();
    assertThat(Logger.getLogger("org.eclipse.jetty.server.Server").isLoggable(Level.WARNING)).isTrue();
    assertThat(Logger.getLogger("cloud.luoyun.osmanager.agent.Agent").isLoggable(Level.INFO)).isTrue();
  }

  private static LogRecord record(Level level, String message, Throwable thrown) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName("cloud.luoyun.osmanager.agent.Agent");
    r.setThrown(thrown);
    r.setMillis(1_764_582_000_123L);
    return r;
  }

  @Test
  void underJournaldALineIsThePriorityTheLoggerAndTheMessageWithTheStackTraceFoldedIn() {
    IOException cause = new IOException("Connection refused");
    String line = new Logging.JournalFormatter().format(
        record(Level.WARNING, "cannot reach the controller", new IllegalStateException("gave up", cause)));

    assertThat(line).startsWith("<4>agent.Agent: cannot reach the controller | java.lang.IllegalStateException: gave up"
        + " | at ").contains(" | Caused by: java.io.IOException: Connection refused").endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
  }

  @Test
  void eachLevelHasItsSyslogPriority() {
    assertThat(new Logging.JournalFormatter().format(record(Level.SEVERE, "a step failed", null)))
        .isEqualTo("<3>agent.Agent: a step failed\n");
    assertThat(new Logging.JournalFormatter().format(record(Level.INFO, "registered", null)))
        .isEqualTo("<6>agent.Agent: registered\n");
    assertThat(new Logging.JournalFormatter().format(record(Level.FINE, "detail", null)))
        .isEqualTo("<7>agent.Agent: detail\n");
  }

  @Test
  void aMessageWithLineBreaksStaysOneEntry() {
    assertThat(new Logging.JournalFormatter().format(record(Level.WARNING, "ssh-keygen said:\nline 1\r\nline 2\n", null)))
        .isEqualTo("<4>agent.Agent: ssh-keygen said: | line 1 | line 2\n");
  }

  @Test
  void elsewhereALineStartsWithAnIso8601TimeWithItsOffset() {
    String line = new Logging.LineFormatter().format(record(Level.WARNING, "cannot reach the controller", null));

    assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}([+-]\\d\\d:\\d\\d|Z) WARN  "
        + "agent\\.Agent: cannot reach the controller\n");
  }

  @Test
  void stdoutIsTheJournalOnlyWhenJournalStreamNamesItsDeviceAndInode() throws IOException {
    Path stdout = Path.of("/proc/self/fd/1");
    String ours = Files.getAttribute(stdout, "unix:dev") + ":" + Files.getAttribute(stdout, "unix:ino");

    assertThat(Logging.stdoutIsJournal(ours)).isTrue();
    assertThat(Logging.stdoutIsJournal("1:2")).isFalse();
    assertThat(Logging.stdoutIsJournal(null)).isFalse();
    assertThat(Logging.stdoutIsJournal("8:19; rm -rf /")).isFalse();
  }

  @Test
  void aHugeStackTraceIsCutToOneBoundedLine() {
    Throwable deep = new RuntimeException("deep");
    for (int i = 0; i < 400; i++) {
      deep = new RuntimeException("level " + i, deep);
    }
    String line = new Logging.JournalFormatter().format(record(Level.SEVERE, "boom", deep));

    assertThat(line.length()).isLessThanOrEqualTo("<3>".length() + Logging.MAX_LINE + 1);
    assertThat(line).endsWith(" [...]\n");
  }
}
