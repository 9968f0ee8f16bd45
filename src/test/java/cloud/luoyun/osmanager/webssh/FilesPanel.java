package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.Chromium;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The web terminal's Files panel in a logged-in page, driven as its user drives it: its buttons,
 * its file picker, its path bar, its list and its transfers, by the ids and data attributes that
 * files.js gives them. The one place that knows them, for every test and benchmark that drives the
 * panel (the web terminal's, the appliance VM's, bench/files.sh). Each wait is bounded by the
 * {@code wait} it is made with and fails with what the page shows.
 */
public final class FilesPanel {
  private final Chromium browser;
  private final Duration wait;

  public FilesPanel(Chromium browser, Duration wait) {
    this.browser = browser;
    this.wait = wait;
  }

  /** Opens the panel by the header's Files button (it connects, then lists the user's home). */
  public void open() throws Exception {
    browser.evaluate("document.getElementById('files-open').click()");
  }

  /** Waits until the path bar shows this folder (an absolute path, e.g. {@code /root}). */
  public void awaitFolder(String folder) throws Exception {
    String shown = folder.endsWith("/") ? folder : folder + "/";
    browser.awaitTrue("[...document.querySelectorAll('#files-path button')].map((b) => b.textContent).join('') === "
        + js(shown), wait);
  }

  /** Goes to a folder above the one shown by its crumb in the path bar, and waits until it is shown. */
  public void goUpTo(Path folder) throws Exception {
    browser.evaluate("document.querySelectorAll('#files-path button')[" + folder.getNameCount() + "].click()");
    awaitFolder(folder.toString());
  }

  /** Waits until the list shows an entry whose name ends with this (a folder's ends with a slash). */
  public void awaitListing(String name) throws Exception {
    browser.awaitTrue("[...document.querySelectorAll('#files-list td.name')].some((c) => c.textContent.endsWith("
        + js(name) + "))", wait);
  }

  /** Opens the listed folder (or link to one) whose name ends with this, e.g. {@code locked/}. */
  public void enter(String name) throws Exception {
    browser.evaluate("[...document.querySelectorAll('#files-list td.name button')].find((b) =>"
        + " b.textContent.endsWith(" + js(name) + ")).click()");
  }

  /** Lists the folder shown again. */
  public void refresh() throws Exception {
    browser.evaluate("document.getElementById('files-refresh').click()");
  }

  /** Chooses these files with the Upload button's picker: they queue for upload into the folder shown. */
  public void pick(Path... files) throws Exception {
    browser.chooseFiles("#files-pick", List.of(files));
  }

  /**
   * Waits until {@code n} transfers are listed and none is waiting or running; their states
   * (done, failed, cancelled), oldest first.
   */
  public String awaitTransfers(int n) throws Exception {
    return awaitTransfers(n, wait);
  }

  /** {@link #awaitTransfers(int)} with a wait of its own (a large file, a slow machine). */
  public String awaitTransfers(int n, Duration timeout) throws Exception {
    browser.awaitTrue("(() => { const l = [...document.querySelectorAll('#files-transfers li')]; return l.length === "
        + n + " && l.every((li) => li.dataset.state !== 'waiting' && li.dataset.state !== 'running'); })()", timeout);
    return String.valueOf(browser.evaluate(
        "[...document.querySelectorAll('#files-transfers li')].reverse().map((li) => li.dataset.state).join(' ')"));
  }

  /** What the newest transfer says: its figures, "skipped", or why it failed. */
  public String lastTransferText() throws Exception {
    return String.valueOf(browser.evaluate("document.querySelector('#files-transfers li .info').textContent"));
  }

  /** Waits for the overwrite question and answers it: {@code replace}, {@code keep} or {@code skip}. */
  public void answer(String which) throws Exception {
    browser.awaitTrue("!document.getElementById('files-ask').hidden", wait);
    browser.evaluate("document.querySelector('#files-ask [data-answer=\"" + which + "\"]').click()");
  }

  /**
   * Downloads the listed file whose name cell shows exactly this (a link's starts with "↪ ") by
   * its download button: the browser's own download.
   */
  public void download(String shown) throws Exception {
    String row = "[...document.querySelectorAll('#files-list tbody tr')].find((r) =>"
        + " r.querySelector('td.name').textContent === " + js(shown) + ")";
    browser.awaitTrue("!!" + row + "?.querySelector('td.act button')", wait);
    browser.evaluate(row + ".querySelector('td.act button').click()");
  }

  /** A JavaScript string literal of {@code s} (a JSON string is one). */
  private static String js(String s) throws IOException {
    return JSON.std.asString(s);
  }
}
