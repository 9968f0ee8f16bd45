package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which host key the terminal accepts from a real OpenSSH sshd on loopback: one of this host's
 * own key files (the fixture's folder is laid out as /etc/ssh), else trust on first use. Each test
 * has an sshd of its own, since some give it a new key as configure does to a cloned image.
 */
class HostKeyTrustTest {
  private static WebSocketClient ws;
  @TempDir
  Path dir;

  private SshServerFixture sshd;
  private WebTerminal terminal;
  private final List<TerminalClient> clients = new ArrayList<>();

  @BeforeAll
  static void startClient() throws Exception {
    assumeTrue(SshServerFixture.available(), "needs root and openssh-server");
    ws = TestTls.webSocketClient();
  }

  @AfterAll
  static void stopClient() throws Exception {
    if (ws != null) {
      ws.stop();
    }
  }

  @BeforeEach
  void startSshd() throws Exception {
    sshd = new SshServerFixture(dir.resolve("etc-ssh"));
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      clients.forEach(TerminalClient::close);
      if (terminal != null) {
        terminal.close();
      }
    } finally {
      sshd.close();
    }
  }

  private void startTerminal(Path hostKeys) throws Exception {
    terminal = new WebTerminal(WebTerminalSettings.defaults(dir.resolve("state"))
        .withBind(Optional.of("127.0.0.1"), 0).withSsh("127.0.0.1", sshd.port).withSshHostKeys(hostKeys));
    terminal.start();
  }

  private TerminalClient open() throws Exception {
    TerminalClient client = TerminalClient.open(ws, terminal.port(), "");
    clients.add(client);
    return client;
  }

  private Path pinFile() {
    return dir.resolve("state").resolve("webssh-known-hosts");
  }

  /** Types the user name; returns what the terminal says until it is back at its login prompt. */
  private String refusedLogin() throws Exception {
    TerminalClient page = open();
    page.awaitText("login: ");
    int mark = page.mark();
    page.type(sshd.user + "\r");
    return page.awaitText("login: ", mark + 1);
  }

  /** The key as a known_hosts line has it: type and base64, no comment. */
  private String keyFields() throws Exception {
    String[] fields = Files.readString(sshd.hostPublicKey()).trim().split("\\s+");
    return fields[0] + " " + fields[1];
  }

  /** OpenSSH's own fingerprint of the sshd's key, e.g. SHA256:abc... */
  private String fingerprint() throws Exception {
    return SshServerFixture.run(List.of("ssh-keygen", "-l", "-f", sshd.hostPublicKey().toString()), null)
        .split("\\s+")[1];
  }

  @Test
  void aLoginWorksWhenTheSshdsKeyIsOneOfTheHostsKeyFilesAndNothingIsPinned() throws Exception {
    startTerminal(sshd.dir);
    open().login(sshd.user, sshd.password);
    assertThat(pinFile()).doesNotExist();
  }

  @Test
  void aNewHostKeyMadeForACloneIsTrustedAtTheNextLoginWithoutARestart() throws Exception {
    startTerminal(sshd.dir);
    open().login(sshd.user, sshd.password);
    String before = keyFields();

    sshd.regenerateHostKey();
    assertThat(keyFields()).isNotEqualTo(before);
    open().login(sshd.user, sshd.password);
    assertThat(pinFile()).doesNotExist();
  }

  @Test
  void aPinOfAnOldKeyLocksNoOneOutWhileTheHostsKeyFilesDecide() throws Exception {
    // what an older osmanager left in the image: the key the image's sshd had when it was built
    String stale = "[127.0.0.1]:" + sshd.port + " " + keyFields() + "\n";
    sshd.regenerateHostKey();
    Files.createDirectories(pinFile().getParent());
    Files.writeString(pinFile(), stale);

    startTerminal(sshd.dir);
    open().login(sshd.user, sshd.password);
    assertThat(pinFile()).hasContent(stale.trim());
  }

  @Test
  void aKeyThatIsNotOneOfTheHostsKeysIsRefusedWithItsFingerprintAndNeverPinned() throws Exception {
    Path hostKeys = Files.createDirectories(dir.resolve("this-hosts-keys"));
    SshServerFixture.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
        hostKeys.resolve("ssh_host_ed25519_key").toString()), null);
    startTerminal(hostKeys);
    List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
    Logger log = Logger.getLogger(HostKeyFiles.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(r);
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    log.addHandler(capture);
    String out;
    try {
      out = refusedLogin();
    } finally {
      log.removeHandler(capture);
    }
    assertThat(out.replace("\r\n", " ")).contains("presented the host key " + fingerprint())
        .contains("not one of this host's keys in " + hostKeys)
        .contains("impersonating the sshd")
        .doesNotContain("assword:");
    assertThat(warnings).singleElement().satisfies(r -> assertThat(r.getMessage())
        .contains(fingerprint(), "not one of this host's keys in " + hostKeys));
    assertThat(pinFile()).doesNotExist();
  }

  @Test
  void withoutReadableKeyFilesTheKeyIsPinnedOnFirstUseAndAChangedOneIsRefused() throws Exception {
    Path hostKeys = Files.createDirectories(dir.resolve("no-keys"));
    Files.writeString(hostKeys.resolve("ssh_host_rsa_key.pub"), "not a key\n");
    startTerminal(hostKeys);
    open().login(sshd.user, sshd.password);
    String pinned = "[127.0.0.1]:" + sshd.port + " " + keyFields();
    assertThat(pinFile()).hasContent(pinned);

    sshd.regenerateHostKey();
    String out = refusedLogin();
    assertThat(out.replace("\r\n", " ")).contains("host key has CHANGED", "delete line 1 of " + pinFile())
        .doesNotContain("assword:");
    assertThat(pinFile()).hasContent(pinned);
  }
}
