package cloud.luoyun.osmanager.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** An Ethernet MAC address, normalised to lower case {@code aa:bb:cc:dd:ee:ff}. */
public record MacAddress(String value) {
  private static final Pattern FORM = Pattern.compile("[0-9a-f]{2}([:-][0-9a-f]{2}){5}");

  public MacAddress {
    if (!FORM.matcher(value).matches() || value.contains("-")) {
      throw new IllegalArgumentException("not a normalised MAC address");
    }
  }

  public static MacAddress parse(String field, String s) throws ConfigException {
    String lower = s.toLowerCase(Locale.ROOT);
    if (s.length() != 17 || !FORM.matcher(lower).matches()) {
      throw new ConfigException(field, "not a MAC address: " + Values.quote(s));
    }
    return new MacAddress(lower.replace('-', ':'));
  }

  @Override
  public String toString() {
    return value;
  }
}
