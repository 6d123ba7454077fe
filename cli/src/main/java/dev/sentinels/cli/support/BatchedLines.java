package dev.sentinels.cli.support;

import java.io.PrintStream;

/**
 * Lines written to a stream in batches: {@code System.out} flushes at every line, a system call
 * each, which costs more than reading a line from Elasticsearch. A line waits at most {@link
 * #PAUSE_MILLIS} before it shows, so a follow still prints as lines come.
 */
public final class BatchedLines implements AutoCloseable {

  private static final long PAUSE_MILLIS = 100;

  private static final int MOST_CHARS = 1 << 16;

  private final PrintStream target;
  private final StringBuilder buffer = new StringBuilder(MOST_CHARS + 1024);
  private final Thread flusher;

  public BatchedLines(PrintStream target) {
    this.target = target;
    this.flusher = DaemonThreads.named("sentinel-output-flush").newThread(this::flushWhileOpen);
    flusher.start();
  }

  public synchronized void println(String line) {
    buffer.append(line).append('\n');
    if (buffer.length() > MOST_CHARS) {
      flush();
    }
  }

  /** One write of everything waiting (the stream's own encoding and line flushing apply). */
  public synchronized void flush() {
    if (buffer.length() > 0) {
      target.print(buffer);
      buffer.setLength(0);
    }
    target.flush();
  }

  private void flushWhileOpen() {
    while (!Thread.currentThread().isInterrupted()) {
      Sleeping.sleep(PAUSE_MILLIS);
      synchronized (this) {
        if (buffer.length() > 0) {
          flush();
        }
      }
    }
  }

  @Override
  public void close() {
    flusher.interrupt();
    flush();
  }
}
