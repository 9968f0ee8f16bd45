package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The Files panel's small parts: upload names, the files socket's requests, download tickets. */
class FilesPartsTest {

  @Test
  void hostileUploadNamesAreRefusedWithTheirReason() {
    assertThat(FileNames.refusal("")).hasValue(Phrase.NAME_EMPTY);
    assertThat(FileNames.refusal(".")).hasValue(Phrase.NAME_DOTS);
    assertThat(FileNames.refusal("..")).hasValue(Phrase.NAME_DOTS);
    for (String bad : new String[] {"a/b", "a\\b", "a\0b", "a\nb", "a\u001bb", "a\u007fb", "a\u0085b"}) {
      assertThat(FileNames.refusal(bad)).as(bad).hasValue(Phrase.NAME_CHARACTERS);
    }
    assertThat(FileNames.refusal("x".repeat(255))).isEmpty();
    assertThat(FileNames.refusal("x".repeat(256))).hasValue(Phrase.NAME_TOO_LONG);
    assertThat(FileNames.refusal("名".repeat(86))).as("258 bytes in UTF-8").hasValue(Phrase.NAME_TOO_LONG);
    assertThat(FileNames.refusal("...")).isEmpty();
    assertThat(FileNames.refusal("报告 2024.pdf")).isEmpty();
  }

  @Test
  void keepBothFindsTheFirstFreeCopyNameBeforeTheExtension() {
    Set<String> taken = Set.of("a (1).txt", "a (2).txt");
    assertThat(FileNames.copyName("a.txt", taken::contains)).hasValue("a (3).txt");
    assertThat(FileNames.copyName(".bashrc", n -> false)).hasValue(".bashrc (1)");
    assertThat(FileNames.copyName("archive", n -> false)).hasValue("archive (1)");
    assertThat(FileNames.copyName("a.txt", n -> true)).isEmpty();
  }

  @Test
  void aTemporaryNameIsHiddenInTheSameFolderAndNeverOverNameMax() {
    assertThat(FileNames.temporary("a.txt", "0123456789ab")).isEqualTo(".a.txt.osm-upload-0123456789ab");
    String t = FileNames.temporary("名".repeat(85), "0123456789ab");
    assertThat(t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    assertThat(t).endsWith(".osm-upload-0123456789ab");
  }

  @Test
  void pathsJoinAndClimbAsTheServerWritesThem() {
    assertThat(FileNames.join("/home/u", "a")).isEqualTo("/home/u/a");
    assertThat(FileNames.join("/", "a")).isEqualTo("/a");
    assertThat(FileNames.parent("/home/u")).isEqualTo("/home");
    assertThat(FileNames.parent("/home")).isEqualTo("/");
    assertThat(FileNames.parent("/")).isNull();
  }

  @Test
  void theDownloadNameIsEscapedPerRfc6266WithAnAsciiFallback() {
    assertThat(FileNames.contentDisposition("a b.txt"))
        .isEqualTo("attachment; filename=\"a b.txt\"; filename*=UTF-8''a%20b.txt");
    assertThat(FileNames.contentDisposition("报告\".txt"))
        .isEqualTo("attachment; filename=\"___.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%22.txt");
    assertThat(FileNames.contentDisposition("x\r\nSet-Cookie: a=b")).doesNotContain("\r", "\n");
  }

  @Test
  void requestsAreCheckedFieldByFieldBeforeUse() throws Exception {
    assertThat(FilesProtocol.decode("{\"op\":\"upload\",\"dir\":\"/h\",\"name\":\"a\",\"size\":5,\"answer\":\"keep\"}"))
        .isEqualTo(new FilesProtocol.Upload("/h", "a", 5, FilesProtocol.Answer.KEEP));
    assertThat(FilesProtocol.decode("{\"op\":\"list\",\"path\":\"/\"}")).isEqualTo(new FilesProtocol.ListDir("/"));
    for (String bad : new String[] {"[]", "nonsense", "{\"op\":\"rm\"}", "{\"op\":\"list\",\"path\":\"relative\"}",
        "{\"op\":\"list\",\"path\":\"/a\\u0000b\"}", "{\"op\":\"list\",\"path\":5}",
        "{\"op\":\"upload\",\"dir\":\"/h\",\"name\":\"a\",\"size\":-1,\"answer\":\"ask\"}",
        "{\"op\":\"upload\",\"dir\":\"/h\",\"name\":\"a\",\"size\":1.5,\"answer\":\"ask\"}",
        "{\"op\":\"upload\",\"dir\":\"/h\",\"name\":\"a\",\"size\":1,\"answer\":\"maybe\"}",
        "{\"op\":\"hello\",\"token\":\"" + "x".repeat(44) + "\"}"}) {
      assertThatThrownBy(() -> FilesProtocol.decode(bad)).as(bad).isInstanceOf(TerminalProtocol.ProtocolException.class);
    }
  }

  @Test
  void aTicketIsGoodOnceFromItsAddressForItsLoginAndOnlyForSeconds() throws Exception {
    AtomicLong now = new AtomicLong();
    DownloadTickets tickets = new DownloadTickets(now::get);
    InetAddress here = InetAddress.getByName("127.0.0.1");
    InetAddress there = InetAddress.getByName("127.0.0.2");
    RemoteFiles files = new NoFiles();
    java.util.concurrent.atomic.AtomicBoolean loggedIn = new java.util.concurrent.atomic.AtomicBoolean(true);

    String once = tickets.issue(loggedIn::get, files, here, "u", "/h/a");
    assertThat(tickets.redeem(once, here)).hasValueSatisfying(t -> assertThat(t.path()).isEqualTo("/h/a"));
    assertThat(tickets.redeem(once, here)).as("used").isEmpty();

    String foreign = tickets.issue(loggedIn::get, files, here, "u", "/h/a");
    assertThat(tickets.redeem(foreign, there)).isEmpty();
    assertThat(tickets.redeem(foreign, here)).as("burnt by the foreign try").isEmpty();

    String late = tickets.issue(loggedIn::get, files, here, "u", "/h/a");
    now.addAndGet(DownloadTickets.VALID_NANOS + 1);
    assertThat(tickets.redeem(late, here)).isEmpty();

    assertThat(tickets.redeem(null, here)).isEmpty();
    String loggedOut = tickets.issue(loggedIn::get, files, here, "u", "/h/a");
    loggedIn.set(false);
    assertThat(tickets.redeem(loggedOut, here)).as("the session's login ended").isEmpty();
    assertThat(tickets.size()).isZero();
  }

  @Test
  void filesModesReadAsTheOptionWritesThem() {
    assertThat(FilesMode.parse("download")).isEqualTo(FilesMode.DOWNLOAD);
    assertThat(FilesMode.DOWNLOAD.downloads()).isTrue();
    assertThat(FilesMode.DOWNLOAD.uploads()).isFalse();
    assertThat(FilesMode.UPLOAD.uploads()).isTrue();
    assertThat(FilesMode.OFF.downloads() || FilesMode.OFF.uploads()).isFalse();
    assertThatThrownBy(() -> FilesMode.parse("ON")).hasMessage("'ON' is not one of on, off, download, upload");
  }

  private static final class NoFiles implements RemoteFiles {
    @Override public String home() { return "/h"; }
    @Override public java.util.List<Entry> list(String folder) { return java.util.List.of(); }
    @Override public Entry stat(String path) { return null; }
    @Override public Upload create(String path) { throw new UnsupportedOperationException(); }
    @Override public void rename(String from, String to, boolean replace) { }
    @Override public void remove(String path) { }
    @Override public java.io.InputStream read(String path) { return java.io.InputStream.nullInputStream(); }
    @Override public void close() { }
  }
}
