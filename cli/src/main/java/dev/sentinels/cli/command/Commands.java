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
    DeleteCommand.class,
    HistoryCommand.class,
    PriorityCommand.class,
    PrioritiesCommand.class,
    QueuesCommand.class,
    NodesCommand.class,
    PluginsCommand.class,
    RunsCommand.class,
    CompareCommand.class,
    SchedulerCommand.class,
    DoctorCommand.class,
    CompletionCommand.class,
    ShellCommand.class,
    VersionCommand.class,
    picocli.CommandLine.HelpCommand.class,
    CompleteCommand.class,
  };

  /** Global flags that take a value, which is not a verb. */
  private static final java.util.Set<String> VALUED =
      java.util.Set.of("-n", "--namespace", "--kubeconfig", "--context", "-o", "--output");

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
          // completion describes the whole program, and help may name any verb.
          return command == CompletionCommand.class
                  || command == picocli.CommandLine.HelpCommand.class
              ? Arrays.asList(ALL)
              : List.of(command);
        }
      }
    }
    return Arrays.asList(ALL);
  }

  private static String firstVerb(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return null;
      }
      if (!arg.startsWith("-")) {
        return arg;
      }
      if (VALUED.contains(arg)) {
        i++; // -n team status: "team" is the namespace
      }
    }
    return null;
  }
}
