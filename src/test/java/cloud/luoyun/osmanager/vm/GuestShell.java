package cloud.luoyun.osmanager.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Root's shell in the guest, from outside through the forwarded SSH port, logged in with the key
 * the instance config gave root (Apache MINA SSHD's client; nothing of this machine's ~/.ssh is
 * used). Remembers the host key the guest's sshd presented. Commands are one line each, run by
 * root's login shell in the guest.
 */
final class GuestShell implements AutoCloseable {
  /** What a command ended with. */
  record Result(int status, String out, String err) {
    boolean ok() {
      return status == 0;
    }
  }

  private static final Duration STEP = Duration.ofSeconds(30);

  /** The guest sshd's host key, as an OpenSSH public key line ("ssh-ed25519 AAAA..."). */
  final String hostKey;
  private final SshClient client;
  private final ClientSession session;

  private GuestShell(SshClient client, ClientSession session, String hostKey) {
    this.client = client;
    this.session = session;
    this.hostKey = hostKey;
  }

  /** Logs in as root with the key, retrying until the guest's sshd answers or the time is up. */
  static GuestShell connect(int port, Path privateKey, Duration timeout) throws Exception {
    KeyPair key = loadKey(privateKey);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      AtomicReference<PublicKey> presented = new AtomicReference<>();
      SshClient client = client(presented);
      try {
        ClientSession session = client.connect("root", "127.0.0.1", port).verify(STEP).getSession();
        session.addPublicKeyIdentity(key);
        session.auth().verify(STEP);
        return new GuestShell(client, session, PublicKeyEntry.toString(presented.get()));
      } catch (IOException e) {
        client.stop();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no SSH login as root with the instance's key on port " + port
              + " within " + timeout.toSeconds() + " s: " + e, e);
        }
        Thread.sleep(2000);
      }
    }
  }

  /**
   * Whether the guest's sshd lets root in with this password (password and keyboard-interactive
   * authentication, no keys offered).
   */
  static boolean acceptsPassword(int port, String user, String password) throws IOException {
    SshClient client = client(new AtomicReference<>());
    client.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE, UserAuthKeyboardInteractiveFactory.INSTANCE));
    try (ClientSession session = client.connect(user, "127.0.0.1", port).verify(STEP).getSession()) {
      session.addPasswordIdentity(password);
      try {
        session.auth().verify(STEP);
        return true;
      } catch (IOException refused) {
        return false;
      }
    } finally {
      client.stop();
    }
  }

  private static SshClient client(AtomicReference<PublicKey> presented) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setServerKeyVerifier((session, address, key) -> {
      presented.set(key); // checked by the test against the image's and the last boot's keys
      return true;
    });
    client.start();
    return client;
  }

  private static KeyPair loadKey(Path privateKey) throws Exception {
    try (InputStream in = Files.newInputStream(privateKey)) {
      Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(privateKey.toString()), in, null);
      return keys.iterator().next();
    }
  }

  Result run(String command, Duration timeout) throws IOException {
    try (ChannelExec channel = session.createExecChannel(command)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(STEP);
      Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new IOException("guest command still running after " + timeout.toSeconds() + " s: " + command);
      }
      Integer status = channel.getExitStatus();
      return new Result(status == null ? -1 : status, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  /** The command's output; it must exit 0. */
  String output(String command) throws IOException {
    Result r = run(command, STEP);
    if (!r.ok()) {
      throw new IOException("guest: `" + command + "` exited " + r.status() + ": " + r.out() + r.err());
    }
    return r.out();
  }

  /**
   * Runs a command the session may not survive (reboot, poweroff: systemctl returns once the job
   * is queued, but sshd may be stopped first). Closing the session before it returns would hang
   * it up and kill it, so this waits for it, or for the connection to go.
   */
  void runLast(String command) {
    try {
      run(command, STEP);
    } catch (IOException e) {
      // the guest is going down
    }
  }

  @Override
  public void close() throws IOException {
    try {
      session.close();
    } finally {
      client.stop();
    }
  }
}
