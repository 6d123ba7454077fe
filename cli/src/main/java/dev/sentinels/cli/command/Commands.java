package dev.sentinels.cli.command;

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
}
