package dev.sentinels.cli.command;

import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/** The {@link Completer} as jline asks it: the line's words, candidates with descriptions. */
final class ShellCompletion implements org.jline.reader.Completer {

  private final Completer completer;

  ShellCompletion(Completer completer) {
    this.completer = completer;
  }

  @Override
  @SuppressWarnings("deprecation") // jline-reader's file completer: enough for --kubeconfig
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    List<String> words = line.words().subList(0, line.wordIndex() + 1);
    List<String> typed = new java.util.ArrayList<>(words);
    typed.set(typed.size() - 1, line.word().substring(0, line.wordCursor()));
    Completer.Result result = completer.complete(typed);
    if (result.files()) {
      new org.jline.reader.impl.completer.FileNameCompleter().complete(reader, line, candidates);
      return;
    }
    for (Completer.Candidate c : result.candidates()) {
      candidates.add(
          new Candidate(
              c.value(),
              c.value(),
              null,
              c.description().isEmpty() ? null : c.description(),
              null,
              null,
              true));
    }
  }
}
