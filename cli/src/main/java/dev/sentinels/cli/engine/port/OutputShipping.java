package dev.sentinels.cli.engine.port;

/**
 * A backend's shipping of its jobs' output to a log sink, where the backend does it itself (the
 * local runner); on a cluster a log shipper beside the nodes does it and there is nothing to run.
 */
public interface OutputShipping extends AutoCloseable {

  /** Nothing shipped here. */
  OutputShipping NONE = () -> false;

  /**
   * True while output is waiting to be shipped and the sink is still worth waiting for: a runner
   * stays for it instead of idling out (a sink that stays down does not hold it forever).
   */
  boolean behind();

  @Override
  default void close() {}

  /** Where shipped lines go: stores every line of the batch once, or throws to have it re-sent. */
  @FunctionalInterface
  interface Sink {
    void write(java.util.List<dev.sentinels.api.plugin.LogSink.ShippedLine> lines) throws Exception;
  }
}
