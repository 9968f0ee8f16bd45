package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shell-stream part of a session over a fake shell and a page that records what it is sent:
 * output coalescing, the ACK window, the replay on reattach, the end of the shell. The clock and
 * the scheduler are the test's, so that "1 ms later" is exact.
 */
class ShellStreamTest {
  private final Object lock = new Object();
  private long now = 5_000_000_000L;
  private final List<Runnable> scheduled = new ArrayList<>();
  private final List<Long> delays = new ArrayList<>();
  private final List<Message> endings = new ArrayList<>();
  private final List<Integer> sentBeforeTheEnd = new ArrayList<>();
  private Page attached;
  private final ShellStream stream = new ShellStream(lock, 4096, () -> now, (task, delay) -> {
    scheduled.add(task);
    delays.add(delay);
  }, reason -> {
    endings.add(reason);
    sentBeforeTheEnd.add(attached.sent.size());
  });
  private final FakeShellConnector.Shell shell = new FakeShellConnector.Shell(stream);

  /** A page's socket: the messages it was sent, as type and payload. */
  private static final class Page {
    final List<ByteBuffer> sent = new ArrayList<>();

    void send(ByteBuffer message) {
      sent.add(message.duplicate());
    }

    /** Each message as "TYPE:payload" (OUTPUT, REPLAY, SESSION), payload as UTF-8. */
    List<String> messages() {
      return sent.stream().map(m -> {
        ByteBuffer b = m.duplicate();
        byte type = b.get();
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        String name = switch (type) {
          case TerminalProtocol.OUTPUT -> "OUTPUT";
          case TerminalProtocol.REPLAY -> "REPLAY";
          default -> "TYPE" + type;
        };
        return name + ":" + new String(payload, StandardCharsets.UTF_8);
      }).toList();
    }
  }

  private Page attach(TerminalLanguage language) {
    Page page = new Page();
    synchronized (lock) {
      stream.attach(page::send, language, null);
      stream.requestOutputIfReady();
    }
    attached = page;
    return page;
  }

  /** A shell opens, as after a login. */
  private void open() {
    synchronized (lock) {
      stream.shellOpened(shell);
      stream.requestOutputIfReady();
    }
  }

  @Test
  void outputAfterAQuietMomentGoesAtOnceAndABurstGoesAsOneMessageAMillisecondLater() {
    Page page = attach(TerminalLanguage.EN);
    open();
    shell.prints("a"); // a keystroke's echo
    assertThat(page.messages()).containsExactly("OUTPUT:a");

    shell.prints("b"); // more at once: a burst
    shell.prints("c");
    assertThat(page.messages()).as("held for the batch").containsExactly("OUTPUT:a");
    assertThat(delays).containsExactly(ShellStream.COALESCE_NANOS);

    now += ShellStream.COALESCE_NANOS;
    scheduled.get(0).run();
    assertThat(page.messages()).as("the read buffer was copied, not kept").containsExactly("OUTPUT:a", "OUTPUT:bc");
    assertThat(shell.outputRequests()).as("one read after the shell opened and one after each chunk").isEqualTo(4);
  }

  @Test
  void aBatchGoesAsSoonAsItHolds32KiB() {
    Page page = attach(TerminalLanguage.EN);
    open();
    shell.prints("a");
    shell.prints("x".repeat(20 * 1024));
    assertThat(page.sent).hasSize(1);
    shell.prints("y".repeat(20 * 1024));
    assertThat(page.sent).hasSize(2);
    assertThat(page.sent.get(1).remaining()).isEqualTo(1 + 40 * 1024);
    scheduled.forEach(Runnable::run); // the flush scheduled for the first part finds nothing left
    assertThat(page.sent).hasSize(2);
  }

  @Test
  void theShellIsNotReadBeyondTheAckWindowAndAnAckResumesIt() {
    attach(TerminalLanguage.EN);
    open();
    byte[] chunk = new byte[TerminalProtocol.WINDOW / 4];
    for (int i = 0; i < 3; i++) {
      shell.prints(chunk);
    }
    assertThat(shell.outputRequests()).isEqualTo(4);
    shell.prints(chunk); // the window is full now: no more reads
    assertThat(shell.outputRequests()).isEqualTo(4);

    synchronized (lock) {
      stream.ack(0);
    }
    assertThat(shell.outputRequests()).as("nothing drawn, nothing read").isEqualTo(4);
    synchronized (lock) {
      stream.ack(TerminalProtocol.ACK_EVERY);
    }
    assertThat(shell.outputRequests()).isEqualTo(5);
    synchronized (lock) {
      stream.ack(TerminalProtocol.ACK_EVERY);
    }
    assertThat(shell.outputRequests()).as("one read at a time").isEqualTo(5);
  }

  @Test
  void withoutAPageTheShellIsNotReadAndAPageThatAttachesStartsIt() {
    open();
    assertThat(shell.outputRequests()).isZero();
    Page page = attach(TerminalLanguage.EN);
    assertThat(shell.outputRequests()).isEqualTo(1);

    synchronized (lock) {
      stream.detach();
    }
    shell.prints("while away"); // the read asked for before the page went
    assertThat(shell.outputRequests()).isEqualTo(1);
    assertThat(page.sent).isEmpty();
  }

  @Test
  void aReattachedPageIsSentTheScreenExactlyAndOnlyOnce() {
    Page first = attach(TerminalLanguage.EN);
    open();
    shell.prints("$ echo hi\r\n");
    now += 10 * ShellStream.COALESCE_NANOS;
    shell.prints("hi\r\n");
    shell.prints("$ "); // batched when the page goes
    synchronized (lock) {
      stream.detach();
    }
    shell.prints("late"); // the read under way when it went
    assertThat(String.join("|", first.messages())).isEqualTo("OUTPUT:$ echo hi\r\n|OUTPUT:hi\r\n");

    Page second = new Page();
    synchronized (lock) {
      stream.attach(second::send, TerminalLanguage.EN, null);
      stream.replay();
      stream.requestOutputIfReady();
    }
    scheduled.forEach(Runnable::run); // the batch of the page that went is not sent to this one
    assertThat(second.messages()).containsExactly("REPLAY:$ echo hi\r\nhi\r\n$ late");
  }

  @Test
  void theTerminalsOwnWordsComeAfterTheOutputBatchedBeforeThem() {
    Page page = attach(TerminalLanguage.EN);
    open();
    shell.prints("a");
    shell.prints("b");
    synchronized (lock) {
      stream.say(Phrase.LOGIN_PROMPT);
    }
    assertThat(page.messages()).containsExactly("OUTPUT:a", "OUTPUT:b", "OUTPUT:login: ");
  }

  @Test
  void theEndOfTheShellIsShownWithItsReasonInThePagesLanguageOnce() {
    Page page = attach(TerminalLanguage.ZH);
    open();
    shell.ends(Message.of(Phrase.SHELL_EXITED, 0));
    assertThat(page.messages()).containsExactly("OUTPUT:\r\n[shell 已退出，状态码 0] 按回车键重新登录。\r\n");
    assertThat(endings).containsExactly(Message.of(Phrase.SHELL_EXITED, 0));
    assertThat(sentBeforeTheEnd).as("the session frees the slot before the page can read of the end")
        .containsExactly(0);
    assertThat(stream.shell()).isNull();

    shell.ends(Message.of(Phrase.CONNECTION_CLOSED)); // the connection closing after the exit
    shell.prints("after the end");
    assertThat(page.sent).hasSize(1);
    assertThat(endings).hasSize(1);
  }

  @Test
  void anEnglishPageIsToldTheEndInEnglish() {
    Page page = attach(TerminalLanguage.EN);
    open();
    shell.ends(Message.of(Phrase.SHELL_KILLED, "KILL"));
    assertThat(page.messages()).containsExactly("OUTPUT:\r\n[the shell was killed by SIGKILL] Press Enter to log in again.\r\n");
  }
}
