package dev.sentinels.cli.command;

import dev.sentinels.cli.cluster.KubeConnection;
import dev.sentinels.cli.support.ExitCodes;

/**
 * The REPL's prompt: where lines work ({@code local}, or the context and namespace) and the last
 * line's exit code when it failed, e.g. {@code sentinel (kind-gpu/team-a) [3]> }.
 */
final class ShellPrompt {

  private ShellPrompt() {}

  static String of(Session session, int lastExit) {
    String where;
    if (session.local() || !KubeConnection.clusterConfigured(null)) {
      where = "local";
    } else {
      KubeConnection.Current current = KubeConnection.current(null, session.context());
      String namespace = session.namespace() != null ? session.namespace() : current.namespace();
      where = current.context() + "/" + namespace;
    }
    return "sentinel ("
        + where
        + ")"
        + (lastExit == ExitCodes.OK ? "" : " [" + lastExit + "]")
        + "> ";
  }
}
