package dev.sentinels.cli.command;

import dev.sentinels.cli.support.SentinelException;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A verb: it says which output flags mean something to it, and a flag that would do nothing is
 * refused rather than ignored.
 */
abstract class Verb implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** What {@code -o} may say for this verb; empty when it prints no formats (logs). */
  Set<OutputFormat> formats() {
    return EnumSet.allOf(OutputFormat.class);
  }

  /** Whether it prints a table, so {@code --no-headers} means something. */
  boolean printsTables() {
    return true;
  }

  /** Whether {@code -A} means something to this verb. */
  boolean listsAcrossNamespaces() {
    return false;
  }

  @Override
  public final Integer call() {
    checkFlags();
    checkArguments();
    return execute();
  }

  /** Checks (and normalizes) the verb's own arguments before anything is opened or written. */
  void checkArguments() {}

  abstract int execute();

  GlobalOptions global() {
    return SentinelCommand.global(spec);
  }

  /** The format asked for, table when none. */
  OutputFormat format() {
    return global().output == null ? OutputFormat.table : global().output;
  }

  boolean headers() {
    return !global().noHeaders;
  }

  String verb() {
    return spec.qualifiedName().replaceFirst("^sentinel ", "");
  }

  void checkFlags() {
    GlobalOptions global = global();
    OutputFormat asked = global.output;
    if (asked != null && !formats().contains(asked)) {
      throw SentinelException.invalid(
          "--output: "
              + verb()
              + (formats().isEmpty()
                  ? " has no output formats"
                  : " prints "
                      + formats().stream().map(Enum::name).collect(Collectors.joining(", "))
                      + ", not "
                      + asked));
    }
    if (global.noHeaders && (!printsTables() || format().structured())) {
      throw SentinelException.invalid("--no-headers: " + verb() + " prints no table here");
    }
    if (global.allNamespaces && !listsAcrossNamespaces()) {
      throw SentinelException.invalid(
          "--all-namespaces: " + verb() + " works in one namespace; name it with -n");
    }
  }

  PrintStream out() {
    return System.out;
  }
}
