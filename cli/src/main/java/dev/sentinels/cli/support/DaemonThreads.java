package dev.sentinels.cli.support;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive: background work a command or runner may abandon. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** A factory of daemon threads all called {@code name}. */
  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
