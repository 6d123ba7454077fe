package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.plugin.LogSink.ShippedLine;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.port.OutputShipping;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.support.DaemonThreads;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The runner's log shipping: every look it indexes each job's new output ({@link OutputIndex}) and,
 * with a sink configured, sends the lines after the job's checkpoint in bounded batches, then moves
 * the checkpoint ({@code output.shipped}). A line's id is {@code <job>-<attempt>-<offset>} and its
 * time comes from the index, so a batch re-sent after a failure, a restart or a SIGKILL between
 * send and checkpoint is the same batch, which the sink stores once. Only one batch is held in
 * memory however far behind the sink is; {@code output.log} is the buffer.
 */
final class OutputShipper implements OutputShipping {

  static final String CHECKPOINT = "output.shipped";
  static final String NAMESPACE = "local";

  private static final Duration LOOK = Duration.ofMillis(250);
  private static final Duration MOST_BACKOFF = Duration.ofSeconds(30);

  /** How long a runner stays for a sink that is down; the next runner catches up. */
  private static final Duration PATIENCE = Duration.ofMinutes(15);

  private static final int BATCH_BYTES = 4 << 20;
  private static final int BATCH_LINES = 5_000;
  private static final int BATCHES_PER_LOOK = 20;

  /** Batches sent at once: Elasticsearch indexes them in parallel, a third faster than in turn. */
  private static final int IN_FLIGHT = 2;

  /** The line {@link RunningJobs} appends when an attempt ends: the next line is the next's. */
  private static final Pattern ATTEMPT_END =
      Pattern.compile("--- sentinel: exit code -?\\d+; attempt \\d+ ---");

  private final SentinelHome home;
  private final LocalStore store;
  private final Optional<OutputShipping.Sink> sink;
  private final Consumer<String> log;
  private final Clock clock;
  private final Map<String, Job> jobs = new HashMap<>();
  private final Thread thread;
  private final ExecutorService parallel =
      Executors.newSingleThreadExecutor(DaemonThreads.named("sentinel-output-shipper-2"));
  private volatile boolean closed;
  private volatile boolean pending;
  private Instant outageSince;
  private Duration backoff = Duration.ZERO;

  /** Where a job's shipping stands: its index and what the sink has acknowledged. */
  private static final class Job {
    final Path dir;
    final OutputIndex index;
    long shipped;
    int attempt;
    JobRecord record;

    Job(Path dir) {
      this.dir = dir;
      this.index = new OutputIndex(dir);
    }
  }

  OutputShipper(
      SentinelHome home,
      LocalStore store,
      Optional<OutputShipping.Sink> sink,
      Consumer<String> log,
      Clock clock) {
    this.home = home;
    this.store = store;
    this.sink = sink;
    this.log = log;
    this.clock = clock;
    this.thread = new Thread(this::run, "sentinel-output-shipper");
    thread.setDaemon(true);
  }

  OutputShipper start() {
    thread.start();
    return this;
  }

  @Override
  public boolean behind() {
    Instant since = outageSince;
    return pending && (since == null || since.plus(PATIENCE).isAfter(clock.instant()));
  }

  private void run() {
    while (!closed) {
      Duration pause = LOOK;
      try {
        lookOnce();
        if (outageSince != null) {
          log.accept("log shipping resumed");
          outageSince = null;
          backoff = Duration.ZERO;
        }
      } catch (ShippingFailed e) {
        if (outageSince == null) {
          outageSince = clock.instant();
          log.accept(
              "log shipping paused: " + e.getMessage() + "; retrying (output.log keeps the lines)");
        }
        backoff = backoff.isZero() ? Duration.ofSeconds(1) : backoff.multipliedBy(2);
        backoff = backoff.compareTo(MOST_BACKOFF) > 0 ? MOST_BACKOFF : backoff;
        pause = backoff;
      } catch (RuntimeException | IOException e) {
        log.accept("log shipping: " + e.getMessage());
        pause = Duration.ofSeconds(1);
      }
      Sleeping.sleep(pause.toMillis());
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  /** One look over every job's output; throws when the sink refused a batch. */
  void lookOnce() throws IOException, ShippingFailed {
    boolean behind = false;
    if (!Files.isDirectory(home.jobsDir())) {
      pending = false;
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home.jobsDir())) {
      for (Path dir : dirs) {
        Path output = dir.resolve(JobProcesses.OUTPUT);
        long size;
        try {
          size = Files.size(output);
        } catch (NoSuchFileException e) {
          continue; // not started, or deleted meanwhile
        }
        String id = dir.getFileName().toString();
        Job job = jobs.computeIfAbsent(id, k -> loaded(dir));
        if (size > job.index.end()) {
          // The last write's time, not the look's: output written while no runner looked (before
          // an upgrade, or a runner down) keeps the time it had.
          Instant written = Files.getLastModifiedTime(output).toInstant();
          Instant now = clock.instant();
          job.index.record(size, written.isBefore(now) ? written : now);
        }
        if (sink.isPresent() && job.shipped < size) {
          pending = true; // behind from now: a runner does not idle out in the middle of a look
          behind |= !ship(id, job, output, size);
        }
      }
    } finally {
      pending = behind;
    }
  }

  /** Ships what the job has after its checkpoint, a few batches at most; true when caught up. */
  private boolean ship(String id, Job job, Path output, long size)
      throws IOException, ShippingFailed {
    if (job.record == null || !job.record.state().isTerminal()) {
      job.record = store.get(id).map(StoredRecord::record).orElse(job.record);
    }
    // A last line without its newline is shipped once the job has ended and nothing can follow.
    boolean ended = job.record != null && job.record.state().isTerminal();
    try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
      for (int sent = 0; sent < BATCHES_PER_LOOK && job.shipped < size; ) {
        List<Batch> batches = new ArrayList<>();
        long from = job.shipped;
        int attempt = job.attempt;
        while (batches.size() < IN_FLIGHT && from < size) {
          Batch batch = batch(file, id, job, from, attempt, size, ended);
          if (batch == null) {
            break; // only a partial line: it waits for its newline
          }
          batches.add(batch);
          from = batch.end();
          attempt = batch.attemptAfter();
        }
        if (batches.isEmpty()) {
          return true;
        }
        send(job, batches);
        sent += batches.size();
      }
    }
    return job.shipped >= size || !ended && unshippedIsPartial(output, job.shipped, size);
  }

  /** Lines from {@code from} up to a batch's bounds, or null when only a partial line is left. */
  private record Batch(List<ShippedLine> lines, long end, int attemptAfter) {}

  private Batch batch(
      RandomAccessFile file, String id, Job job, long from, int attempt, long size, boolean ended)
      throws IOException {
    file.seek(from);
    byte[] bytes = new byte[(int) Math.min(BATCH_BYTES, size - from)];
    file.readFully(bytes);
    boolean atEnd = from + bytes.length == size;
    List<ShippedLine> lines = new ArrayList<>();
    int start = 0;
    for (int at = 0; at < bytes.length && lines.size() < BATCH_LINES; at++) {
      boolean last = at == bytes.length - 1;
      boolean whole = bytes[at] == '\n';
      // A line longer than a batch is cut there rather than held forever.
      boolean cut = last && !whole && (ended && atEnd || start == 0 && !atEnd);
      if (whole || cut) {
        String text = new String(bytes, start, at - start + (whole ? 0 : 1), UTF8);
        lines.add(line(id, job, attempt, from + start, from + at + 1, text));
        if (ATTEMPT_END.matcher(text).matches()) {
          attempt++;
        }
        start = at + 1;
      }
    }
    return lines.isEmpty() ? null : new Batch(lines, from + start, attempt);
  }

  /**
   * Sends the batches at once (Elasticsearch indexes them in parallel) and moves the checkpoint
   * past those acknowledged in a row from the first; a later one acknowledged after a refused one
   * is sent again next time, which its ids make harmless.
   */
  private void send(Job job, List<Batch> batches) throws IOException, ShippingFailed {
    List<Future<Exception>> others = new ArrayList<>();
    for (Batch batch : batches.subList(1, batches.size())) {
      others.add(parallel.submit(() -> tryWrite(batch)));
    }
    List<Exception> outcomes = new ArrayList<>();
    outcomes.add(tryWrite(batches.get(0)));
    for (Future<Exception> other : others) {
      try {
        outcomes.add(other.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcomes.add(e);
      } catch (ExecutionException e) {
        outcomes.add(e);
      }
    }
    for (int i = 0; i < batches.size(); i++) {
      Exception failure = outcomes.get(i);
      if (failure != null) {
        throw new ShippingFailed(
            failure.getMessage() == null ? failure.toString() : failure.getMessage());
      }
      job.shipped = batches.get(i).end();
      job.attempt = batches.get(i).attemptAfter();
      saveCheckpoint(job);
    }
  }

  /** Writes one batch; what failed, or null. */
  private Exception tryWrite(Batch batch) {
    try {
      sink.get().write(batch.lines());
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private static boolean unshippedIsPartial(Path output, long from, long size) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
      file.seek(from);
      for (long at = from; at < size; at++) {
        if (file.read() == '\n') {
          return false;
        }
      }
      return true;
    }
  }

  private ShippedLine line(String id, Job job, int attempt, long offset, long end, String text) {
    Instant at = job.index.timeOf(end);
    JobRecord record = job.record;
    return new ShippedLine(
        id + "-" + attempt + "-" + offset,
        id,
        NAMESPACE,
        record == null ? null : record.spec().project(),
        record == null ? null : record.user(),
        attempt,
        offset,
        at == null ? clock.instant() : at,
        text);
  }

  private Job loaded(Path dir) {
    Job job = new Job(dir);
    try {
      String[] saved = Files.readString(dir.resolve(CHECKPOINT)).trim().split(" ");
      job.shipped = Long.parseLong(saved[0]);
      job.attempt = Integer.parseInt(saved[1]);
    } catch (NoSuchFileException e) {
      job.attempt = 1;
    } catch (IOException | RuntimeException e) {
      job.attempt = 1; // unreadable: ship again from the start, the ids keep it once
    }
    return job;
  }

  /** Written aside and moved into place: a crash leaves the old checkpoint or the new one. */
  private static void saveCheckpoint(Job job) throws IOException {
    Path next = job.dir.resolve(CHECKPOINT + ".next");
    Files.writeString(next, job.shipped + " " + job.attempt + "\n");
    Files.move(
        next,
        job.dir.resolve(CHECKPOINT),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    parallel.shutdownNow();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** The sink refused or could not be reached; the batch is sent again later. */
  static final class ShippingFailed extends Exception {
    ShippingFailed(String message) {
      super(message);
    }
  }
}
