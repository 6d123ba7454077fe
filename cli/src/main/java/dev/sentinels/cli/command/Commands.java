package dev.sentinels.cli.command;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;

/** The verbs, in the order {@code sentinel --help} lists them. */
public final class Commands {
  public static final Class<?>[] ALL = {
    SubmitCommand.class,
    StatusCommand.class,
    QueueCommand.class,
    DescribeCommand.class,
    LogsCommand.class,
    CancelCommand.class,
    HistoryCommand.class,
    PriorityCommand.class,
    PrioritiesCommand.class,
    QueuesCommand.class,
    NodesCommand.class,
    PluginsCommand.class,
    RunsCommand.class,
    CompareCommand.class,
    SchedulerCommand.class,
    CompletionCommand.class,
  };

  private Commands() {}

  /**
   * The verbs to register for {@code args}: only the one named, when it is known. picocli builds a
   * model of every registered command before parsing, and a one-shot command should not pay for
   * thirteen. Anything else (no verb, a typo, help) gets them all, for full help and suggestions.
   */
  public static List<Class<?>> forArgs(String[] args) {
    String verb = firstVerb(args);
    List<String> all = Arrays.asList(args);
    if (verb == null && (all.contains("--version") || all.contains("-V"))) {
      return List.of(); // the version needs no verbs
    }
    if (verb != null) {
      for (Class<?> command : ALL) {
        Command annotation = command.getAnnotation(Command.class);
        if (annotation.name().equals(verb) || Arrays.asList(annotation.aliases()).contains(verb)) {
          // completion describes the whole program, so it needs every verb.
          return command == CompletionCommand.class ? Arrays.asList(ALL) : List.of(command);
        }
      }
    }
    return Arrays.asList(ALL);
  }

  private static String firstVerb(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        return arg;
      }
      if (arg.equals("--")) {
        return null;
      }
    }
    return null;
  }
}
