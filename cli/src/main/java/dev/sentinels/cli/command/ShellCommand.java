package dev.sentinels.cli.command;

import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.support.ExitCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;

/**
 * {@code sentinel shell}: the same commands, flags, output and exit codes as the shell, on one warm
 * connection, with completion (verbs, flags, their values, job ids), persistent history and reverse
 * search. A failing line never ends the session; Ctrl-C stops the running line ({@code logs -f},
 * {@code --watch}); Ctrl-D leaves.
 */
@Command(
    name = "shell",
    description = {
      "An interactive session: every command, with completion, history and a warm connection.",
      "Also what bare 'sentinel' opens on a terminal. 'use namespace X', 'use context Y',",
      "'use local' and 'use cluster' change where the following lines work; Ctrl-D leaves."
    },
    mixinStandardHelpOptions = true)
final class ShellCommand extends Verb {

  private static final String HISTORY = "shell_history";

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.noneOf(OutputFormat.class);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  int execute() {
    if (Session.current().isPresent()) {
      System.err.println("error: already in a sentinel shell");
      return ExitCodes.USAGE;
    }
    Session session = Session.open();
    GlobalOptions flags = global();
    if (flags.local) {
      session.useLocal();
    }
    if (flags.namespace != null) {
      session.useNamespace(flags.namespace);
    }
    if (flags.context != null) {
      session.useContext(flags.context);
    }
    try (Terminal terminal = TerminalBuilder.builder().system(true).build();
        ShellLookups lookups = new ShellLookups(session)) {
      DefaultParser parser = new DefaultParser();
      parser.setEscapeChars(new char[] {'\\'});
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("sentinel")
              .parser(parser)
              .completer(new ShellCompletion(new Completer(lookups)))
              .variable(LineReader.HISTORY_FILE, SentinelHome.resolve().dir().resolve(HISTORY))
              .variable(LineReader.HISTORY_SIZE, 2000)
              .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
              .build();
      int last = ExitCodes.OK;
      while (true) {
        String line;
        try {
          line = reader.readLine(ShellPrompt.of(session, last));
        } catch (UserInterruptException e) {
          continue; // Ctrl-C at the prompt clears the line
        } catch (EndOfFileException e) {
          break; // Ctrl-D
        }
        List<String> words =
            reader.getParsedLine().words().stream().filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
          continue;
        }
        if (words.get(0).equals("exit") || words.get(0).equals("quit")) {
          break;
        }
        if (words.get(0).equals("use")) {
          last = use(session, words, terminal);
          lookups.refreshSoon();
          continue;
        }
        if (words.get(0).equals("shell") || words.get(0).equals("scheduler")) {
          terminal.writer().println("error: run '" + words.get(0) + "' in a terminal of its own");
          last = ExitCodes.USAGE;
          continue;
        }
        Table.fitTo(terminal.getWidth());
        last = runInterruptibly(terminal, words);
        lookups.refreshSoon();
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the terminal", e);
    } finally {
      Table.fitTo(0);
      Session.close();
    }
  }

  /** Runs one line in a thread of its own, which Ctrl-C interrupts. */
  private static int runInterruptibly(Terminal terminal, List<String> words) {
    AtomicReference<Integer> code = new AtomicReference<>(ExitCodes.INTERNAL);
    Thread worker =
        new Thread(
            () -> {
              String[] line = words.toArray(String[]::new);
              code.set(SentinelCommand.commandLine(line).execute(line));
            },
            "sentinel-line");
    Terminal.SignalHandler previous =
        terminal.handle(Terminal.Signal.INT, signal -> worker.interrupt());
    try {
      worker.start();
      worker.join();
    } catch (InterruptedException e) {
      worker.interrupt();
      Thread.currentThread().interrupt();
    } finally {
      terminal.handle(Terminal.Signal.INT, previous);
      System.out.flush();
      System.err.flush();
    }
    return code.get();
  }

  /** {@code use namespace X}, {@code use context Y}, {@code use local}, {@code use cluster}. */
  private static int use(Session session, List<String> words, Terminal terminal) {
    String what = words.size() > 1 ? words.get(1) : "";
    switch (what) {
      case "namespace", "ns" -> {
        if (words.size() != 3) {
          return usage(terminal, "use namespace NAME");
        }
        session.useNamespace(words.get(2));
      }
      case "context" -> {
        if (words.size() != 3) {
          return usage(terminal, "use context NAME");
        }
        session.useContext(words.get(2));
      }
      case "local" -> session.useLocal();
      case "cluster" -> session.useNamespace(session.namespace());
      default -> {
        return usage(terminal, "use namespace NAME | use context NAME | use local | use cluster");
      }
    }
    return ExitCodes.OK;
  }

  private static int usage(Terminal terminal, String form) {
    terminal.writer().println("error: usage: " + form);
    terminal.flush();
    return ExitCodes.USAGE;
  }
}
