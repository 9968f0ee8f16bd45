package cloud.luoyun.osmanager.webssh;

import java.util.List;
import java.util.Locale;

/**
 * Something the terminal says of its own (not the sshd's text), kept as a {@link Phrase} and its
 * arguments until it is shown, so that each page gets it in its language and the log in English.
 * An argument that is itself a message is said in the same language. Immutable.
 */
record Message(Phrase phrase, List<Object> args) {
  Message {
    args = List.copyOf(args);
  }

  static Message of(Phrase phrase, Object... args) {
    return new Message(phrase, List.of(args));
  }

  String in(TerminalLanguage language) {
    Object[] values = new Object[args.size()];
    for (int i = 0; i < values.length; i++) {
      Object a = args.get(i);
      values[i] = a instanceof Message m ? m.in(language) : a;
    }
    return String.format(Locale.ROOT, phrase.pattern(language), values);
  }

  /** For logs and exception messages. */
  @Override
  public String toString() {
    return in(TerminalLanguage.EN);
  }
}
