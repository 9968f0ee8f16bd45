package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
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
}
