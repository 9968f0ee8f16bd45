package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCacheTest {
  @TempDir
  Path dir;
  final FileCache cache = new FileCache();

  FileCache.Entry get(Path file) throws Exception {
    return cache.get(file, Files.readAttributes(file, BasicFileAttributes.class));
  }

  @Test
  void anUnchangedFileIsServedFromMemoryAndAChangedOneIsReadAgain() throws Exception {
    Path f = dir.resolve("a.html");
    TestSite.write(f, "one $x");
    FileCache.Entry first = get(f);
    assertThat(get(f)).isSameAs(first);
    TestSite.write(f, "two $x");
    assertThat(new String(get(f).bytes, StandardCharsets.UTF_8)).isEqualTo("two $x");
  }

  @Test
  void theTemplatedFormIsReusedOnlyForTheSameValues() throws Exception {
    Path f = dir.resolve("a.html");
    TestSite.write(f, "t=$curtime");
    FileCache.Entry e = get(f);
    byte[] a = e.templated(Map.of("curtime", "10:00"));
    assertThat(e.templated(Map.of("curtime", "10:00"))).isSameAs(a);
    assertThat(new String(e.templated(Map.of("curtime", "10:01")), StandardCharsets.UTF_8)).isEqualTo("t=10:01");
  }

  @Test
  void theCacheStaysWithinItsBound() throws Exception {
    byte[] big = new byte[FileCache.MAX_FILE_BYTES];
    int files = (int) (FileCache.MAX_TOTAL_BYTES / big.length) + 5;
    for (int i = 0; i < files; i++) {
      Path f = dir.resolve("f" + i);
      TestSite.write(f, big);
      assertThat(get(f).bytes).hasSize(big.length);
    }
    assertThat(cache.size()).isLessThanOrEqualTo((int) (FileCache.MAX_TOTAL_BYTES / big.length));
    Path huge = dir.resolve("huge");
    TestSite.write(huge, new byte[FileCache.MAX_FILE_BYTES + 1]);
    assertThat(get(huge)).isNotSameAs(get(huge)); // too big to keep: read each time
  }

  /** Issue 11: 40 000 small pages filled a 32 MiB heap, ~0.8 KiB each beyond their bytes. */
  @Test
  void aCrawlOfAFolderOfManySmallPagesKeepsNoMoreThanTheEntryBound() throws Exception {
    for (int i = 0; i < FileCache.MAX_ENTRIES * 4; i++) {
      Path f = dir.resolve("p" + i + ".html");
      TestSite.write(f, "<p>page " + i + " $hostname</p>");
      get(f).templated(Map.of("hostname", "h.example.com"));
    }
    assertThat(cache.size()).isEqualTo(FileCache.MAX_ENTRIES);
    assertThat(cache.heapBytes()).isLessThanOrEqualTo(FileCache.MAX_TOTAL_BYTES)
        .isGreaterThanOrEqualTo((long) FileCache.MAX_ENTRIES * FileCache.ENTRY_OVERHEAD);
  }

  @Test
  void templatedFormsCountTowardsTheByteBound() throws Exception {
    byte[] page = ("$hostname " + "x".repeat(FileCache.MAX_FILE_BYTES - 10)).getBytes(StandardCharsets.US_ASCII);
    int files = (int) (FileCache.MAX_TOTAL_BYTES / page.length) + 5;
    for (int i = 0; i < files; i++) {
      Path f = dir.resolve("big" + i + ".html");
      TestSite.write(f, page);
      get(f).templated(Map.of("hostname", "h.example.com"));
      assertThat(cache.heapBytes()).isLessThanOrEqualTo(FileCache.MAX_TOTAL_BYTES);
    }
    // each kept page holds its bytes and its templated form: half as many fit as untemplated
    assertThat(cache.size()).isLessThanOrEqualTo((int) (FileCache.MAX_TOTAL_BYTES / (2L * page.length)));
  }
}
