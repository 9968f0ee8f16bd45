package cloud.luoyun.osmanager.agent.wire;

import cloud.luoyun.osmanager.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The lines of vectors/session.txt: direction, name, the frame's bytes. */
final class SessionVectors {
  static final int TAG = 7;
  static final byte[] KEY = "015e33a8-787d-457e-b84d-c2a101a816e0".getBytes(StandardCharsets.US_ASCII);

  record Line(String direction, String name, byte[] bytes) {
    @Override
    public String toString() {
      return direction + " " + name;
    }
  }

  static List<Line> lines() {
    try {
      List<Line> lines = new ArrayList<>();
      for (String line : Files.readAllLines(TestFiles.vector("session.txt"))) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t");
        lines.add(new Line(parts[0], parts[1], HexFormat.of().parseHex(parts[2])));
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Line named(String prefix) {
    return lines().stream().filter(l -> l.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  private SessionVectors() {}
}
