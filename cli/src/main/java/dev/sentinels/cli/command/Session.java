package dev.sentinels.cli.command;

import java.util.Optional;

/**
 * A REPL session: where {@code use} points the following lines (a namespace, a context, the local
 * backend), so a line's own flags still win. While one is open, cluster connections stay warm
 * between lines.
 */
public final class Session {

  private static volatile Session current;

  private String namespace;
  private String context;
  private boolean local;

  static Optional<Session> current() {
    return Optional.ofNullable(current);
  }

  /** Opens the process's session (the REPL's; benchmarks measure lines in one). */
  public static Session open() {
    current = new Session();
    return current;
  }

  public static void close() {
    current = null;
  }

  synchronized Backends.Target fill(Backends.Target flags) {
    boolean flagsNameACluster = flags.kubeconfig() != null || flags.context() != null;
    return new Backends.Target(
        flags.kubeconfig(),
        flags.context() != null ? flags.context() : context,
        flags.namespace() != null ? flags.namespace() : namespace,
        flags.local() || (local && !flagsNameACluster));
  }

  synchronized void useNamespace(String name) {
    namespace = name;
    local = false;
  }

  synchronized void useContext(String name) {
    context = name;
    local = false;
  }

  synchronized void useLocal() {
    local = true;
  }

  synchronized String namespace() {
    return namespace;
  }

  synchronized String context() {
    return context;
  }

  synchronized boolean local() {
    return local;
  }
}
