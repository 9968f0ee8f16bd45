package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionInfoTest {
  static Optional<VersionInfo> parse(String s) {
    return VersionInfo.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theSpecExampleGivesApplicationAndBothVersions() {
    assertThat(parse("Version: 1.0\nOwnCloud: 4.0.7\n")).contains(new VersionInfo("OwnCloud", "1.0", "4.0.7"));
    assertThat(parse("Version: 1.0\r\nOwnCloud: 4.0.7")).contains(new VersionInfo("OwnCloud", "1.0", "4.0.7"));
  }

  @Test
  void extraLinesAndSpacesAreIgnoredAndNamesMayHaveSpaces() {
    assertThat(parse("  Version:   2.1 beta \nOwn Cloud :  4.0.7  \nBASE: debian\n"))
        .contains(new VersionInfo("Own Cloud", "2.1 beta", "4.0.7"));
  }

  @Test
  void aSecondLineWithoutColonTakesItsFirstTwoWordsAsTheOriginalDid() {
    assertThat(parse("Version 1.0\nOwnCloud 4.0.7\n")).contains(new VersionInfo("OwnCloud", "1.0", "4.0.7"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Version: 1.0", "Version: 1.0\n", "Version:\nOwnCloud: 4\n", "Version: 1.0\nOwnCloud:\n",
      "Version: 1.0\n: 4.0\n", "Version: 1.0\nOwnCloud\n", "Version: 1\u0007\nA: 2\n"})
  void malformedFilesAreRefused(String content) {
    assertThat(parse(content)).isEmpty();
  }

  @Test
  void invalidUtf8AndHugeFilesAreRefused() {
    assertThat(VersionInfo.parse(new byte[] {'V', ' ', (byte) 0xff, '\n', 'A', ':', 'b'})).isEmpty();
    assertThat(parse("Version: 1\nA: 2\n" + "x".repeat(VersionInfo.MAX_FILE_BYTES))).isEmpty();
    assertThat(parse("Version: " + "9".repeat(200) + "\nA: 2\n")).isEmpty();
  }
}
