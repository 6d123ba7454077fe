package dev.sentinels.cli.command;

import dev.sentinels.api.JobState;
import dev.sentinels.api.PriorityClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What may come next on a command line, for every shell's completion script ({@code sentinel
 * __complete}) and the REPL alike: verbs, flags, and flag and argument values. Values that depend
 * on the backend (job ids, priority classes, queues, namespaces) come from {@link Lookups}, which a
 * script asks once per key press and the REPL keeps warm.
 */
final class Completer {

  /** A candidate and what it is, for shells that show descriptions. */
  record Candidate(String value, String description) {}

  /** The candidates, and whether the shell should offer file names instead (--kubeconfig). */
  record Result(List<Candidate> candidates, boolean files) {
    static Result of(List<Candidate> candidates) {
      return new Result(candidates, false);
    }
  }

  /** Values only the backend knows; any may be slow or fail, and then offers nothing. */
  interface Lookups {
    List<String> jobIds(GlobalOptions global);

    List<String> priorityClasses(GlobalOptions global);

    List<String> queues(GlobalOptions global);

    List<String> namespaces(GlobalOptions global);

    List<String> contexts(GlobalOptions global);
  }

  private final Lookups lookups;

  Completer(Lookups lookups) {
    this.lookups = lookups;
  }

  /**
   * Candidates for the last of {@code words} (the one being typed, maybe empty), the others
   * complete; {@code words} start after the program name.
   */
  Result complete(List<String> given) {
    List<String> words = joinAssignments(given);
    List<String> done = words.isEmpty() ? List.of() : words.subList(0, words.size() - 1);
    String typed = words.isEmpty() ? "" : words.get(words.size() - 1);
    if (typed.startsWith("-") && typed.contains("=")) {
      // --output=js: complete the value; bash (which split the word at '=') replaces only what
      // follows it, zsh and fish the whole word.
      String flag = typed.substring(0, typed.indexOf('='));
      List<String> split = new ArrayList<>(done);
      split.add(flag);
      split.add(typed.substring(typed.indexOf('=') + 1));
      Result values = complete(split);
      if (given.contains("=")) {
        return values;
      }
      return new Result(
          values.candidates().stream()
              .map(c -> new Candidate(flag + "=" + c.value(), c.description()))
              .toList(),
          values.files());
    }
    CommandLine root = SentinelCommand.commandLine(new String[0]);
    CommandLine current = root;
    GlobalOptions global = new GlobalOptions();
    OptionSpec awaitingValue = null;
    int positional = 0;
    boolean afterDashes = false;
    for (String word : done) {
      if (awaitingValue != null) {
        remember(global, awaitingValue, word);
        awaitingValue = null;
        continue;
      }
      if (word.equals("--")) {
        afterDashes = true;
        continue;
      }
      if (!afterDashes && word.startsWith("-")) {
        String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        OptionSpec option = current.getCommandSpec().findOption(name);
        if (option != null && option.arity().min() > 0 && !word.contains("=")) {
          awaitingValue = option;
        } else if (option != null) {
          remember(global, option, word.contains("=") ? word.substring(word.indexOf('=') + 1) : "");
        }
        continue;
      }
      CommandLine sub = current.getSubcommands().get(word);
      if (sub != null && positional == 0) {
        current = sub;
        continue;
      }
      positional++;
    }
    if (afterDashes) {
      return new Result(List.of(), true); // the job's own command line
    }
    CommandSpec spec = current.getCommandSpec();
    if (awaitingValue != null) {
      return values(awaitingValue, spec, global, typed);
    }
    if (typed.startsWith("-")) {
      return Result.of(flags(spec, typed));
    }
    List<Candidate> candidates = new ArrayList<>();
    if (positional == 0) {
      for (Map.Entry<String, CommandLine> verb : current.getSubcommands().entrySet()) {
        if (verb.getKey().startsWith(typed) && !verb.getKey().startsWith("__")) {
          candidates.add(new Candidate(verb.getKey(), firstLine(verb.getValue().getCommandSpec())));
        }
      }
    }
    positionalAt(spec, positional)
        .ifPresent(p -> candidates.addAll(matching(typed, positionalValues(p, global), "")));
    return Result.of(candidates);
  }

  /** bash splits {@code --output=json} at the '=': put such words back together. */
  private static List<String> joinAssignments(List<String> words) {
    List<String> joined = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.equals("=") && !joined.isEmpty() && joined.get(joined.size() - 1).startsWith("-")) {
        String value = i + 1 < words.size() ? words.get(++i) : "";
        joined.set(joined.size() - 1, joined.get(joined.size() - 1) + "=" + value);
      } else {
        joined.add(word);
      }
    }
    return joined;
  }

  private static void remember(GlobalOptions global, OptionSpec option, String value) {
    switch (option.longestName()) {
      case "--namespace" -> global.namespace = value;
      case "--context" -> global.context = value;
      case "--kubeconfig" -> global.kubeconfig = value;
      case "--local" -> global.local = true;
      case "--output" -> {
        try {
          global.output = OutputFormat.valueOf(value);
        } catch (IllegalArgumentException e) {
          // not a format yet
        }
      }
      default -> {
        // verb options do not change where values come from
      }
    }
  }

  private static List<Candidate> flags(CommandSpec spec, String typed) {
    List<Candidate> candidates = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (option.hidden()) {
        continue;
      }
      for (String name : option.names()) {
        if (name.startsWith(typed) && (name.startsWith("--") || typed.length() <= 2)) {
          candidates.add(new Candidate(name, firstLine(option.description())));
        }
      }
    }
    return candidates;
  }

  private Result values(OptionSpec option, CommandSpec spec, GlobalOptions global, String typed) {
    String name = option.longestName();
    if (name.equals("--kubeconfig") || name.equals("--file")) {
      return new Result(List.of(), true);
    }
    List<String> values =
        switch (name) {
          case "--output" -> formats(spec);
          case "--namespace" -> safely(lookups::namespaces, global);
          case "--context" -> safely(lookups::contexts, global);
          case "--queue" -> safely(lookups::queues, global);
          case "--priority" -> safely(lookups::priorityClasses, global);
          case "--state" -> states();
          default -> fixed(option);
        };
    return Result.of(matching(typed, values, ""));
  }

  /** The formats the verb prints; every format where it takes them all (or at the root). */
  private static List<String> formats(CommandSpec spec) {
    if (spec.userObject() instanceof Verb verb) {
      return verb.formats().stream().map(Enum::name).toList();
    }
    return java.util.Arrays.stream(OutputFormat.values()).map(Enum::name).toList();
  }

  private static List<String> states() {
    return java.util.Arrays.stream(JobState.values()).map(JobState::display).toList();
  }

  private List<String> positionalValues(PositionalParamSpec p, GlobalOptions global) {
    return switch (p.paramLabel()) {
      case "JOB", "JOB_A", "JOB_B" -> safely(lookups::jobIds, global);
      case "CLASS" -> safely(lookups::priorityClasses, global);
      default -> fixed(p);
    };
  }

  private static List<String> fixed(ArgSpec arg) {
    List<String> values = new ArrayList<>();
    if (arg.completionCandidates() != null) {
      arg.completionCandidates().forEach(values::add);
    }
    return values;
  }

  private static Optional<PositionalParamSpec> positionalAt(CommandSpec spec, int index) {
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.index().contains(index)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static List<String> safely(
      Function<GlobalOptions, List<String>> lookup, GlobalOptions global) {
    try {
      return lookup.apply(global);
    } catch (RuntimeException e) {
      return List.of(); // completion never fails a key press
    }
  }

  private static List<Candidate> matching(String typed, List<String> values, String description) {
    List<Candidate> candidates = new ArrayList<>();
    String lower = typed.toLowerCase(Locale.ROOT);
    for (String value : values) {
      if (value.toLowerCase(Locale.ROOT).startsWith(lower)) {
        candidates.add(new Candidate(value, description));
      }
    }
    return candidates;
  }

  private static String firstLine(CommandSpec spec) {
    return firstLine(spec.usageMessage().description());
  }

  private static String firstLine(String[] lines) {
    return lines.length == 0 ? "" : lines[0].replaceAll("\\s+", " ").trim();
  }

  /** The lookups a one-shot completion makes: each opens the backend the flags name. */
  static final class Live implements Lookups {
    @Override
    public List<String> jobIds(GlobalOptions global) {
      try (var engine = Backends.open(global)) {
        return engine.list(java.util.Set.of()).stream()
            .filter(
                j ->
                    !j.state().isTerminal()
                        || (j.finishedAt() != null
                            && j.finishedAt()
                                .isAfter(java.time.Instant.now().minus(StatusCommand.RECENT))))
            .map(dev.sentinels.api.JobRecord::id)
            .toList();
      }
    }

    @Override
    public List<String> priorityClasses(GlobalOptions global) {
      try (var engine = Backends.open(global)) {
        return engine.queueConfig().priorityClasses().stream().map(PriorityClass::name).toList();
      }
    }

    @Override
    public List<String> queues(GlobalOptions global) {
      try (var engine = Backends.open(global)) {
        return List.copyOf(engine.queueConfig().queues().keySet());
      }
    }

    @Override
    public List<String> namespaces(GlobalOptions global) {
      return Backends.namespaces(global);
    }

    @Override
    public List<String> contexts(GlobalOptions global) {
      return dev.sentinels.cli.cluster.KubeConnection.contexts(global.kubeconfig);
    }
  }
}
