package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.Errors;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractive;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login shells through Apache MINA SSHD, the only class (with {@link HostKeyFiles} and
 * {@link PinnedHostKeys}, its host-key checks) that uses it. Everything is asynchronous except
 * the prompts: MINA asks its {@link UserInteraction} on one of its I/O threads and waits for the
 * answer, so a user at a password prompt holds that thread (the sshd's LoginGraceTime bounds how
 * long). Its I/O threads therefore come from pools that start one when none is free and end it
 * after a minute unused ({@link ThreadUtils#newCachedThreadPool}): a prompt never stalls the other
 * sessions, however many wait at theirs, and a quiet shell holds a thread or two, not a fixed
 * pool of {@code maxSessions + 2} twice over (MINA's default, one for its I/O, one to resume
 * reads).
 */
final class MinaShellConnector implements ShellConnector {
  private static final Logger LOG = LoggerFactory.getLogger(MinaShellConnector.class);
  private static final AttributeKey<TerminalUserInteraction> INTERACTION = new AttributeKey<>();
  private static final int READ_CHUNK = 32 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private final SshClient client;
  private final String host;
  private final int port;

  MinaShellConnector(WebTerminalSettings settings) {
    this(settings, CONNECT_TIMEOUT);
  }

  /** @param connectTimeout how long a connect to the sshd may take before the login says so */
  MinaShellConnector(WebTerminalSettings settings, Duration connectTimeout) {
    this.host = settings.sshHost();
    this.port = settings.sshPort();
    client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(hostKeyVerifier(settings));
    // The settings' host and port, whatever the daemon's user has in ~/.ssh/config: MINA would read
    // it, and a "Host *" there with a HostName or a ProxyJump moved the terminal's connection or broke it.
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    // Nor that user's own keys: the person at the page logs in as themselves, at the prompts.
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    // Only what a person can answer at the terminal: the server's prompts, or a password.
    client.setUserAuthFactories(List.of(new PromptingKeyboardInteractiveFactory(), UserAuthPasswordFactory.INSTANCE));
    client.setIoServiceFactoryFactory(new Nio2ServiceFactoryFactory(() -> ThreadUtils.newCachedThreadPool("osm-ssh")));
    // Our own idle timeout decides; MINA's default would close a quiet shell after 10 minutes.
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
    // Let the sshd's LoginGraceTime and MaxAuthTries bound the login, not the client.
    CoreModuleProperties.AUTH_TIMEOUT.set(client, Duration.ofMinutes(10));
    CoreModuleProperties.PASSWORD_PROMPTS.set(client, 100);
    // Keystrokes are single bytes: never hold one back waiting for more (Nagle).
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    // A connect to an address that never answers must not hang the login. MINA waits for the
    // connect on one of its pool's threads anyway, and gives up after this.
    CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, connectTimeout);
    // The SSH window bounds what is buffered per session while the page is slow.
    CoreModuleProperties.WINDOW_SIZE.set(client, 512L * 1024);
    client.start();
  }

  /**
   * This host's sshd must present one of this host's own keys (configure makes them anew for each
   * instance); an sshd elsewhere is pinned on first use.
   */
  private static ServerKeyVerifier hostKeyVerifier(WebTerminalSettings settings) {
    PinnedHostKeys pinned = new PinnedHostKeys(settings.knownHostsFile(), settings.sshHost(), settings.sshPort());
    return settings.sshOnThisHost()
        ? new HostKeyFiles(settings.sshHostKeyDir(), settings.sshHost(), settings.sshPort(), pinned)
        : pinned;
  }

  @Override
  public CompletableFuture<ShellLink> open(String user, Prompter prompter, int cols, int rows, String lang,
      ShellListener listener) {
    CompletableFuture<ShellLink> result = new CompletableFuture<>();
    ConnectFuture connecting;
    try {
      connecting = client.connect(user, host, port);
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(unreachable(e));
      return result;
    }
    connecting.addListener(cf -> {
      if (!cf.isConnected()) {
        result.completeExceptionally(unreachable(cf.getException()));
        return;
      }
      ClientSession session = cf.getSession();
      TerminalUserInteraction interaction = new TerminalUserInteraction(prompter, user + "@" + host);
      session.setAttribute(INTERACTION, interaction);
      session.setUserInteraction(interaction);
      try {
        session.auth().addListener(af -> {
          if (!af.isSuccess()) {
            LoginException failure = loginFailure(session, interaction, af.getException());
            session.close(true);
            result.completeExceptionally(failure);
            return;
          }
          openShell(session, cols, rows, lang, listener, result);
        });
      } catch (IOException | RuntimeException e) {
        LoginException failure = loginFailure(session, interaction, e);
        session.close(true);
        result.completeExceptionally(failure);
      }
    });
    return result;
  }

  private void openShell(ClientSession session, int cols, int rows, String lang, ShellListener listener,
      CompletableFuture<ShellLink> result) {
    try {
      ChannelShell channel = session.createShellChannel();
      if (lang != null) {
        channel.setEnv("LANG", lang); // an "env" request before the PTY and the shell, as OpenSSH sends it
      }
      channel.setPtyType("xterm-256color");
      channel.setPtyColumns(cols);
      channel.setPtyLines(rows);
      channel.setStreaming(StreamingChannel.Streaming.Async);
      channel.setRedirectErrorStream(true);
      channel.open().addListener(of -> {
        if (!of.isOpened()) {
          session.close(true);
          result.completeExceptionally(new LoginException(Message.of(Phrase.SHELL_REFUSED,
              Errors.rootReason(of.getException())), false, of.getException()));
          return;
        }
        MinaShellLink link = new MinaShellLink(session, channel, listener);
        if (!result.complete(link)) {
          link.close();
        }
      });
    } catch (IOException | RuntimeException e) {
      session.close(true);
      result.completeExceptionally(new LoginException(Message.of(Phrase.CANNOT_OPEN_SHELL, Errors.rootReason(e)),
          false, e));
    }
  }

  private LoginException unreachable(Throwable e) {
    return new LoginException(Message.of(Phrase.UNREACHABLE, host + ":" + port, Errors.rootReason(e)), false, e);
  }

  private static LoginException loginFailure(ClientSession session, TerminalUserInteraction interaction,
      Throwable e) {
    Message refusal = session.getAttribute(PinnedHostKeys.REFUSAL);
    if (refusal != null) {
      return new LoginException(refusal, false, e);
    }
    if (interaction.cancelled) {
      return new LoginException(Message.of(Phrase.LOGIN_CANCELLED), false, e);
    }
    if (interaction.limited) {
      return new LoginException(Message.of(Phrase.TOO_MANY_FAILURES), true, e);
    }
    if (interaction.attempts == 0) {
      String why = Errors.rootReason(e);
      if (why.toLowerCase(Locale.ROOT).contains("no more authentication methods")) {
        return new LoginException(Message.of(Phrase.NO_LOGIN_METHOD), true, e);
      }
      return new LoginException(Message.of(Phrase.CLOSED_BEFORE_LOGIN, why), false, e);
    }
    return new LoginException(Message.of(Phrase.PERMISSION_DENIED), true, e);
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (RuntimeException e) {
      LOG.debug("stopping the SSH client", e);
    }
  }

  /** The terminal's side of MINA's prompts. Not logged: answers are passwords. */
  private static final class TerminalUserInteraction implements UserInteraction {
    private static final long POLL_SECONDS = 1;
    private final Prompter prompter;
    private final String account;
    volatile int attempts;
    volatile boolean cancelled;
    volatile boolean limited;

    TerminalUserInteraction(Prompter prompter, String account) {
      this.prompter = prompter;
      this.account = account;
    }

    /** A new password attempt begins; after the first, the previous one was refused. */
    boolean beginAttempt() {
      if (attempts++ > 0 && !prompter.attemptFailed()) {
        limited = true;
        return false;
      }
      return !cancelled;
    }

    @Override
    public boolean isInteractionAllowed(ClientSession session) {
      return !cancelled && !limited && session.isOpen();
    }

    @Override
    public void welcome(ClientSession session, String banner, String lang) {
      prompter.show(banner);
    }

    @Override
    public String[] interactive(ClientSession session, String name, String instruction, String lang,
        String[] prompts, boolean[] echo) {
      if (name != null && !name.isBlank()) {
        prompter.show(name + "\n");
      }
      if (instruction != null && !instruction.isBlank()) {
        prompter.show(instruction + "\n");
      }
      String[] answers = new String[prompts.length];
      for (int i = 0; i < prompts.length; i++) {
        answers[i] = ask(session, prompts[i], echo[i]);
        if (answers[i] == null) {
          return null;
        }
      }
      return answers;
    }

    @Override
    public String resolveAuthPasswordAttempt(ClientSession session) {
      if (!beginAttempt()) {
        return null;
      }
      return ask(session, Message.of(Phrase.PASSWORD_PROMPT, account), false);
    }

    @Override
    public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
      return prompt == null || prompt.isBlank() ? ask(session, Message.of(Phrase.NEW_PASSWORD_PROMPT), false)
          : ask(session, prompt, false);
    }

    /** Asks the server's own prompt. */
    private String ask(ClientSession session, String prompt, boolean echo) {
      if (cancelled || limited) {
        return null;
      }
      prompter.ask(prompt, echo);
      return awaitAnswer(session);
    }

    /** Asks a prompt of the terminal's own. */
    private String ask(ClientSession session, Message prompt, boolean echo) {
      if (cancelled || limited) {
        return null;
      }
      prompter.ask(prompt, echo);
      return awaitAnswer(session);
    }

    private String awaitAnswer(ClientSession session) {
      try {
        while (session.isOpen()) {
          String answer = prompter.awaitAnswer(POLL_SECONDS, TimeUnit.SECONDS);
          if (answer != null) {
            return answer;
          }
        }
      } catch (CancellationException e) {
        cancelled = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancelled = true;
      }
      return null;
    }
  }

  /** keyboard-interactive that tells the terminal when a new attempt starts (the last one failed). */
  private static final class PromptingKeyboardInteractiveFactory extends UserAuthKeyboardInteractiveFactory {
    @Override
    public UserAuthKeyboardInteractive createUserAuth(ClientSession session) {
      return new UserAuthKeyboardInteractive() {
        @Override
        protected boolean sendAuthDataRequest(ClientSession s, String service) throws Exception {
          TerminalUserInteraction interaction = s.getAttribute(INTERACTION);
          if (interaction != null && !interaction.beginAttempt()) {
            return false;
          }
          return super.sendAuthDataRequest(s, service);
        }
      };
    }
  }

  /** An open shell channel; output is read only when asked for (flow control). */
  private static final class MinaShellLink implements ShellLink {
    private final ClientSession session;
    private final ChannelShell channel;
    private final ShellListener listener;
    private final IoInputStream out;
    private final Object lock = new Object();
    private final ByteArrayBuffer buffer = new ByteArrayBuffer(READ_CHUNK, false);
    private boolean wanted; // guarded by lock
    private boolean reading; // guarded by lock
    private boolean draining; // guarded by lock
    private boolean ended; // guarded by lock
    private boolean writing; // guarded by lock
    private IoReadFuture handled; // guarded by lock: the last read delivered
    // at most the input typed ahead of the login plus one page message: reads wait for writes
    private final java.util.ArrayDeque<PendingWrite> writes = new java.util.ArrayDeque<>(); // guarded by lock

    private record PendingWrite(byte[] bytes, Runnable done) {}

    MinaShellLink(ClientSession session, ChannelShell channel, ShellListener listener) {
      this.session = session;
      this.channel = channel;
      this.listener = listener;
      this.out = channel.getAsyncOut();
      // A clean exit ends through the read loop (EOF after the last output); a dropped
      // connection may end while no read is pending.
      session.addCloseFutureListener(f -> end());
    }

    @Override
    public void requestOutput() {
      synchronized (lock) {
        wanted = true;
      }
      drain();
    }

    /**
     * Starts reads while output is wanted. Reads that complete at once are handled in this loop
     * rather than by recursion, so a fast shell cannot grow the stack.
     */
    private void drain() {
      synchronized (lock) {
        if (draining) {
          return;
        }
        draining = true;
      }
      while (true) {
        synchronized (lock) {
          if (!wanted || reading || ended) {
            draining = false;
            return;
          }
          wanted = false;
          reading = true;
        }
        // no wipe: the read overwrites what it delivers, and wiping 32 KiB per SSH packet was
        // over half of this JVM's CPU time in bulk output
        buffer.clear(false);
        IoReadFuture future;
        try {
          future = out.read(buffer);
        } catch (RuntimeException e) {
          synchronized (lock) {
            draining = false;
            reading = false;
          }
          end();
          return;
        }
        if (future.isDone()) {
          completed(future);
        } else {
          future.addListener(f -> {
            completed(f);
            drain();
          });
        }
      }
    }

    /**
     * Hands a finished read to the listener. The bytes go straight from the read buffer (the
     * listener copies what it keeps before it asks for more), and the next read into that buffer
     * starts only after the listener returned: {@code reading} stays set until then.
     */
    private void completed(IoReadFuture future) {
      int count;
      synchronized (lock) {
        if (!reading || handled == future) {
          return; // already handled (the listener raced the isDone() check)
        }
        handled = future;
        count = future.getException() == null ? future.getRead() : -1;
      }
      if (count > 0) {
        Buffer data = future.getBuffer();
        try {
          listener.output(data.array(), data.rpos(), count);
        } finally {
          synchronized (lock) {
            reading = false;
          }
        }
        return;
      }
      synchronized (lock) {
        reading = false;
      }
      if (count < 0) {
        end();
      } else {
        requestOutput();
      }
    }

    private void end() {
      synchronized (lock) {
        if (ended) {
          return;
        }
        ended = true;
      }
      Integer status = channel.getExitStatus();
      String signal = channel.getExitSignal();
      Message reason = status != null ? Message.of(Phrase.SHELL_EXITED, status)
          : signal != null ? Message.of(Phrase.SHELL_KILLED, signal)
          : Message.of(Phrase.CONNECTION_CLOSED);
      session.close(false);
      listener.ended(reason);
    }

    @Override
    public void write(byte[] bytes, Runnable done) {
      synchronized (lock) {
        writes.add(new PendingWrite(bytes, done));
        if (writing) {
          return; // MINA takes one write at a time; this one follows
        }
        writing = true;
      }
      writeNext();
    }

    private void writeNext() {
      PendingWrite next;
      synchronized (lock) {
        next = writes.poll();
        if (next == null) {
          writing = false;
          return;
        }
      }
      try {
        channel.getAsyncIn().writeBuffer(new ByteArrayBuffer(next.bytes())).addListener(f -> {
          next.done().run();
          writeNext();
        });
      } catch (IOException | RuntimeException e) {
        LOG.debug("writing to the shell failed: {}", e.toString());
        next.done().run();
        writeNext();
      }
    }

    @Override
    public void resize(int cols, int rows) {
      try {
        channel.sendWindowChange(cols, rows);
      } catch (IOException | RuntimeException e) {
        LOG.debug("window change failed: {}", e.toString());
      }
    }

    @Override
    public RemoteFiles openFiles() throws IOException {
      return MinaRemoteFiles.open(session);
    }

    @Override
    public void close() {
      channel.close(false);
      session.close(false);
    }
  }
}
