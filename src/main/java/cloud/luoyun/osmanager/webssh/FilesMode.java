package cloud.luoyun.osmanager.webssh;

import java.util.Locale;

/**
 * What the terminal's Files panel may do ({@code --files}): both ways, neither, or one way only.
 * The SSH server and the file system still decide what the logged-in user may read and write;
 * this is the operator's switch above that.
 */
public enum FilesMode {
  ON(true, true), OFF(false, false), DOWNLOAD(false, true), UPLOAD(true, false);

  private final boolean uploads;
  private final boolean downloads;

  FilesMode(boolean uploads, boolean downloads) {
    this.uploads = uploads;
    this.downloads = downloads;
  }

  public boolean uploads() {
    return uploads;
  }

  public boolean downloads() {
    return downloads;
  }

  /** The option's word: {@code on}, {@code off}, {@code download}, {@code upload}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode an option's value names, exactly as {@link #word()} writes it.
   *
   * @throws IllegalArgumentException naming the accepted words
   */
  public static FilesMode parse(String word) {
    for (FilesMode m : values()) {
      if (m.word().equals(word)) {
        return m;
      }
    }
    throw new IllegalArgumentException("'" + word + "' is not one of on, off, download, upload");
  }
}
