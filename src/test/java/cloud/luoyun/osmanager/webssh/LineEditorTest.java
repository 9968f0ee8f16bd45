package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineEditorTest {
  private final List<String> lines = new ArrayList<>();
  private final List<String> cancels = new ArrayList<>();
  private final ByteArrayOutputStream echoed = new ByteArrayOutputStream();
  private final LineEditor editor = new LineEditor(new LineEditor.Listener() {
    @Override
    public void onLine(String line) {
      lines.add(line);
    }

    @Override
    public void onCancel() {
      cancels.add("^C");
    }
  }, echoed::writeBytes);

  private void feed(String s) {
    editor.feed(s.getBytes(StandardCharsets.UTF_8));
  }

  private String echo() {
    return echoed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLineEndsWithEnterAndIsEchoed() {
    editor.activate(true);
    feed("root\r");
    assertThat(lines).containsExactly("root");
    assertThat(echo()).isEqualTo("root\r\n");
    assertThat(editor.isActive()).isFalse();
  }

  @Test
  void aPasswordIsNotEchoed() {
    editor.activate(false);
    feed("s3cret\r");
    assertThat(lines).containsExactly("s3cret");
    assertThat(echo()).isEqualTo("\r\n");
  }

  @Test
  void backspaceErasesWholeCharactersIncludingWideOnes() {
    editor.activate(true);
    feed("ab你\u007f\u007fc\r");
    assertThat(lines).containsExactly("ac");
    assertThat(echo()).isEqualTo("ab你\b\b  \b\b\b \bc\r\n");
  }

  @Test
  void ctrlUClearsTheLineAndCtrlCGivesUp() {
    editor.activate(true);
    feed("wrong\u0015right\r");
    assertThat(lines).containsExactly("right");
    editor.activate(true);
    feed("abc\u0003");
    assertThat(cancels).hasSize(1);
    assertThat(lines).hasSize(1);
  }

  @Test
  void inputTypedBeforeThePromptWaitsAndIsReadWithThatPromptsEcho() {
    feed("hidden\r"); // no prompt yet: kept, not echoed
    assertThat(echo()).isEmpty();
    editor.activate(false);
    assertThat(lines).containsExactly("hidden");
    assertThat(echo()).isEqualTo("\r\n");
  }

  @Test
  void escapeSequencesAndCrLfDoNotEndUpInTheLine() {
    editor.activate(true);
    feed("a\u001b[Ab\u001bOCc\r\n");
    assertThat(lines).containsExactly("abc");
    editor.activate(true);
    assertThat(lines).hasSize(1); // the \n after \r ended no second line
  }

  @Test
  void aLineIsBounded() {
    editor.activate(true);
    feed("x".repeat(5000) + "\r");
    assertThat(lines.get(0)).hasSize(LineEditor.MAX_LINE);
  }
}
