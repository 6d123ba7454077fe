package dev.sentinels.cli.engine.port;

import java.time.Duration;
import java.util.Optional;

/**
 * What {@code sentinel doctor} asks a backend: facts only. Which of them pass, warn or fail is the
 * engine's to say, once for both backends.
 */
public interface Diagnostics {

  /**
   * Where commands go and what answers there ("https://10.0.0.1:6443, Kubernetes v1.31.2"); throws
   * the backend's own unreachable or forbidden error when nothing answers.
   */
  String connection();

  /** Who admits jobs here now, if anyone holds admission. */
  Optional<Admitter> admitter();

  /**
   * Whether queued jobs wait until something admits them (a cluster without its scheduler), as
   * opposed to a runner that every command starts on demand (the local backend).
   */
  boolean admitterNeeded();

  /** Where the configuration in force comes from, and what installed it. */
  Installation installation();

  /**
   * Whether the current user may do {@code capability} here: empty when allowed, else the first
   * permission missing, as {@code kubectl auth can-i} would name it ("create configmaps").
   */
  Optional<String> missing(Capability capability);

  /**
   * A failure of the backend's own kind (a refused API call) as Sentinels' one-line error, for a
   * check that ran through another port.
   */
  default Optional<dev.sentinels.cli.support.SentinelException> explain(RuntimeException e) {
    return Optional.empty();
  }

  /** What people do with Sentinels, each needing its own permissions. */
  enum Capability {
    READ("read jobs"),
    SUBMIT("submit"),
    CANCEL("cancel"),
    LOGS("read logs"),
    ADMIT("admit from here"),
    CONFIGURE("change the configuration");

    private final String words;

    Capability(String words) {
      this.words = words;
    }

    /** For sentences: "may submit, cancel". */
    public String words() {
      return words;
    }
  }

  /**
   * Where the configuration comes from ("configmap ml/sentinel-config from chart sentinels-0.1.0,
   * release prod"), and the Sentinels version that installed it, when something says so.
   */
  record Installation(String source, Optional<String> version) {}

  /**
   * The admitter holding admission: its identity, whether it is a long-running scheduler (not a
   * one-shot command's pass), the Sentinels version it runs, if it says, and how long ago it last
   * renewed.
   */
  record Admitter(
      String identity, boolean scheduler, Optional<String> version, Duration sinceRenewal) {}
}
