package dev.sentinels.cli.command;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * kubectl's global flags: accepted before or after the verb ({@code sentinel -n team status} and
 * {@code sentinel status -n team}), as kubectl and {@code kubectl sentinel} users type them. Each
 * command checks that the output flags mean something to it.
 */
public final class GlobalOptions {

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
  String kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = "Kubeconfig context to use.")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      scope = ScopeType.INHERIT,
      description = "Namespace of the queue (default: the context's, then 'default').")
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      scope = ScopeType.INHERIT,
      description = "List across every namespace you may read (status, queue, history).")
  boolean allNamespaces;

  @Option(
      names = "--local",
      scope = ScopeType.INHERIT,
      description = "Use the embedded local backend under $SENTINEL_HOME (default ~/.sentinel).")
  boolean local;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      completionCandidates = OutputFormat.Names.class,
      converter = OutputFormat.Converter.class,
      description = "Output format: table, wide, json, yaml or name (what a verb supports).")
  OutputFormat output;

  @Option(
      names = "--no-headers",
      scope = ScopeType.INHERIT,
      description = "Print tables without their header line.")
  boolean noHeaders;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and client logs on errors.")
  boolean debug;

  public boolean debug() {
    return debug;
  }
}
