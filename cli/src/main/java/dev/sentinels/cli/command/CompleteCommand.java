package dev.sentinels.cli.command;

import dev.sentinels.cli.support.ExitCodes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sentinel __complete WORDS...}: what the completion scripts of every shell (and {@code
 * kubectl sentinel}) ask on a key press. Prints one candidate a line, {@code value<TAB>what it is},
 * then {@code :files} or {@code :nofiles} for whether file names fit.
 */
@Command(name = "__complete", hidden = true)
final class CompleteCommand extends Verb {

  @Parameters(paramLabel = "WORD", description = "The words after the program name.")
  List<String> words = new ArrayList<>();

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.noneOf(OutputFormat.class);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  void checkFlags() {
    // The words are the user's half-typed line, flags and all: nothing here is ours to refuse.
  }

  @Override
  int execute() {
    Completer.Result result = new Completer(new Completer.Live()).complete(words);
    StringBuilder out = new StringBuilder();
    for (Completer.Candidate c : result.candidates()) {
      out.append(c.value());
      if (!c.description().isEmpty()) {
        out.append('\t').append(c.description());
      }
      out.append('\n');
    }
    out.append(result.files() ? ":files" : ":nofiles").append('\n');
    System.out.print(out);
    return ExitCodes.OK;
  }
}
