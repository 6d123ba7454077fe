package dev.sentinels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinels.api.JobState;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What every backend does the same, through the command line as users type it: the cases run
 * against the local backend and against the test cluster (one subclass each), so a use case that
 * behaves differently on one fails here. A subclass says how to reach its backend and how to make
 * jobs that run, fail and fill its capacity.
 */
public abstract class BackendContract {

  private static final Duration SETTLE = Duration.ofSeconds(90);

  private final List<String> leftOver = new ArrayList<>();

  /** {@code sentinel args...} against this backend, in this JVM. */
  protected abstract CliRun sentinel(String... args);

  /** The same as its own process, as a user's second terminal runs it. */
  protected abstract Process start(String... args) throws IOException;

  /** Resource flags of a job that takes one slot; {@link #slots} of them fill the capacity. */
  protected abstract List<String> slot();

  protected abstract int slots();

  /** Flags of a job that prints {@code line} and runs for about {@code time}. */
  protected abstract List<String> printsAndRuns(String line, Duration time);

  /** Flags of a job that fails with {@code exitCode}. */
  protected abstract List<String> failsWith(int exitCode);

  /** What {@code logs} shows for a job made by {@link #printsAndRuns}. */
  protected abstract String shownAsOutput(String line);

  /** Resource flags no node can ever hold. */
  protected abstract List<String> tooLargeForAnyNode();

  /** Whether anything still runs for a cancelled job (a process, a pod). */
  protected abstract boolean stillRuns(String jobId);

  @AfterEach
  void cancelWhatIsLeft() {
    for (String id : leftOver) {
      sentinel("cancel", id);
    }
  }

  /** Submits {@code name} with these flags and returns its id. */
  protected String submit(String name, List<String> resources, List<String> behaviour) {
    return submit(name, null, resources, behaviour);
  }

  protected String submit(
      String name, String priority, List<String> resources, List<String> behaviour) {
    List<String> args = new ArrayList<>(List.of("submit", "--name", name, "-o", "name"));
    if (priority != null) {
      args.addAll(List.of("--priority", priority));
    }
    args.addAll(resources);
    args.addAll(behaviour);
    CliRun run = sentinel(args.toArray(String[]::new));
    assertEquals(ExitCodes.OK, run.exitCode(), () -> "submit " + args + ": " + run.err());
    String id = run.out().trim();
    leftOver.add(id);
    return id;
  }

  /** The job's state as {@code status -o json} shows it. */
  protected JobState state(String id) {
    return JobState.parse(job(id).path("state").asString());
  }

  protected JsonNode job(String id) {
    CliRun status = sentinel("status", id, "-o", "json");
    assertEquals(ExitCodes.OK, status.exitCode(), status.err());
    JsonNode root = RecordCodec.mapper().readTree(status.out());
    JsonNode items = root.has("items") ? root.get("items") : root;
    return items.get(0);
  }

  protected JobState awaitState(String id, JobState wanted) {
    return await(id, s -> s == wanted, "be " + wanted);
  }

  protected JobState awaitEnd(String id) {
    return await(id, JobState::isTerminal, "end");
  }

  private JobState await(
      String id, java.util.function.Predicate<JobState> until, String description) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    JobState state = state(id);
    while (!until.test(state)) {
      if (System.nanoTime() > deadline) {
        fail(id + " did not " + description + " within " + SETTLE + "; it is " + state);
      }
      Sleeping.sleep(250);
      state = state(id);
    }
    return state;
  }

  /** The ids {@code queue -o name} lists, in admission order. */
  protected List<String> queue() {
    CliRun queue = sentinel("queue", "-o", "name");
    assertEquals(ExitCodes.OK, queue.exitCode(), queue.err());
    return queue.out().lines().map(BackendContract::id).toList();
  }

  /** {@code job/<id>} or a bare id, as commands print them. */
  protected static String id(String printed) {
    return printed.trim().replaceFirst("^job/", "");
  }

  /** Long jobs that take every slot, at the top priority so nothing passes them. */
  protected List<String> fillCapacity() {
    List<String> blockers = new ArrayList<>();
    for (int i = 0; i < slots(); i++) {
      String id =
          submit("blocker", "urgent", slot(), printsAndRuns("blocking", Duration.ofMinutes(10)));
      awaitState(id, JobState.RUNNING);
      blockers.add(id);
    }
    return blockers;
  }

  @Test
  void aSubmittedJobRunsToSucceededAndStaysInHistory() {
    String id = submit("hello", slot(), printsAndRuns("hello contract", Duration.ofSeconds(1)));
    assertTrue(id.matches("hello-[a-z0-9]{5}"), id);

    assertEquals(JobState.SUCCEEDED, awaitEnd(id));
    CliRun history = sentinel("history", "-o", "name");
    assertTrue(history.out().lines().map(BackendContract::id).toList().contains(id), history.out());
    CliRun describe = sentinel("describe", id);
    assertEquals(ExitCodes.OK, describe.exitCode(), describe.err());
    assertTrue(describe.out().contains("Succeeded"), describe.out());
    assertEquals("normal", job(id).at("/spec/priority").asString(), "the default class, named");
  }

  @Test
  void aFailingJobEndsFailedWithItsExitCodeAndWaitSaysSoWithExitOne() {
    List<String> args = new ArrayList<>(List.of("submit", "--name", "crash", "--wait"));
    args.addAll(slot());
    args.addAll(failsWith(3));
    CliRun run = sentinel(args.toArray(String[]::new));
    assertEquals(ExitCodes.FAILED, run.exitCode(), run.err());
    String id = id(run.out().lines().findFirst().orElseThrow().split(" ")[0]);
    assertEquals(JobState.FAILED, state(id));
    assertTrue(job(id).path("reason").asString().contains("exit code 3"), job(id).toString());
  }

  @Test
  void queuedJobsAreAdmittedInPriorityOrderAsRoomAppears() {
    List<String> blockers = fillCapacity();
    Duration long10m = Duration.ofMinutes(10);
    String low = submit("low", "low", slot(), printsAndRuns("low", long10m));
    String normal = submit("normal", "normal", slot(), printsAndRuns("normal", long10m));
    String high = submit("high", "high", slot(), printsAndRuns("high", long10m));
    assertEquals(List.of(high, normal, low), queue(), "highest class first");

    CliRun raise = sentinel("priority", "set", low, "urgent");
    assertEquals(ExitCodes.OK, raise.exitCode(), raise.err());
    assertTrue(raise.out().contains("urgent"), raise.out());
    assertEquals(List.of(low, high, normal), queue(), "a changed class re-sorts at once");

    assertEquals(ExitCodes.OK, sentinel("cancel", blockers.get(0)).exitCode());
    awaitState(low, JobState.RUNNING);
    assertEquals(List.of(high, normal), queue());
  }

  @Test
  void cancelTakesAQueuedJobOutAndStopsARunningOne() {
    List<String> blockers = fillCapacity();
    String queued = submit("queued", slot(), printsAndRuns("never", Duration.ofSeconds(1)));
    assertEquals(JobState.QUEUED, state(queued));

    CliRun cancel = sentinel("cancel", queued);
    assertEquals(ExitCodes.OK, cancel.exitCode(), cancel.err());
    assertEquals("job/" + queued + " cancelled", cancel.out().trim());
    assertEquals(JobState.CANCELLED, state(queued));
    assertFalse(queue().contains(queued));

    String running = blockers.get(0);
    assertEquals(ExitCodes.OK, sentinel("cancel", running).exitCode());
    assertEquals(JobState.CANCELLED, state(running));
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (stillRuns(running)) {
      assertTrue(System.nanoTime() < deadline, "the cancelled job still runs");
      Sleeping.sleep(250);
    }
    assertEquals(ExitCodes.OK, sentinel("cancel", running).exitCode(), "cancelling twice is fine");
  }

  @Test
  void exitCodesSayWhatWentWrong() {
    String done = submit("done", slot(), printsAndRuns("done", Duration.ofMillis(500)));
    awaitEnd(done);

    CliRun finished = sentinel("cancel", done);
    assertEquals(ExitCodes.FAILED, finished.exitCode(), finished.err());
    assertEquals("error: job " + done + " already Succeeded; nothing to cancel\n", finished.err());
    assertEquals(ExitCodes.FAILED, sentinel("priority", "set", done, "high").exitCode());

    CliRun unknownClass = sentinel("priority", "set", done, "hihg");
    assertEquals(ExitCodes.USAGE, unknownClass.exitCode());
    assertEquals(
        "error: priority: unknown priority class 'hihg'; known: low, normal, high, urgent\n",
        unknownClass.err());

    for (String verb : List.of("describe", "logs", "cancel", "status")) {
      CliRun missing = sentinel(verb, "no-such-job");
      assertEquals(ExitCodes.NOT_FOUND, missing.exitCode(), verb + ": " + missing.err());
      assertEquals(1, missing.err().lines().count(), missing.err());
      assertTrue(missing.err().startsWith("error: no job 'no-such-job' in "), missing.err());
    }
  }

  @Test
  void logsPrintTheOutputAndFollowAQueuedJobToItsEnd() throws Exception {
    String never = submit("huge", tooLargeForAnyNode(), printsAndRuns("x", Duration.ofSeconds(1)));
    CliRun none = sentinel("logs", never);
    assertEquals(ExitCodes.NOT_FOUND, none.exitCode());
    assertEquals(
        "error: job " + never + " is Queued and has no output yet (see: sentinel queue)\n",
        none.err());
    sentinel("cancel", never);

    List<String> blockers = fillCapacity();
    String talker = submit("talker", slot(), printsAndRuns("hello logs", Duration.ofSeconds(2)));
    Process follow = start("logs", "-f", talker);
    try {
      var err =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(follow.getErrorStream(), StandardCharsets.UTF_8));
      assertEquals("waiting for job " + talker + " to start (Queued)...", err.readLine());
      assertTrue(follow.isAlive(), "it waits while the job is queued");
      sentinel("cancel", blockers.get(0));
      assertTrue(follow.waitFor(SETTLE.toSeconds(), TimeUnit.SECONDS), "it ends with the job");
      assertEquals(0, follow.exitValue());
      String out = new String(follow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(out.contains(shownAsOutput("hello logs")), out);
    } finally {
      follow.destroyForcibly();
    }
    awaitEnd(talker);
    CliRun after = sentinel("logs", talker);
    assertEquals(ExitCodes.OK, after.exitCode(), after.err());
    assertTrue(after.out().contains(shownAsOutput("hello logs")), after.out());
  }

  @Test
  void historyListsFinishedJobsNewestFirst() {
    String first = submit("first", slot(), printsAndRuns("1", Duration.ofMillis(200)));
    awaitEnd(first);
    String second = submit("second", slot(), printsAndRuns("2", Duration.ofMillis(200)));
    awaitEnd(second);

    List<String> history =
        sentinel("history", "-o", "name").out().lines().map(BackendContract::id).toList();
    assertTrue(
        history.indexOf(second) >= 0 && history.indexOf(second) < history.indexOf(first),
        history.toString());
    CliRun table = sentinel("history");
    assertTrue(table.out().startsWith("ID"), table.out());
    assertTrue(table.out().contains("Succeeded"), table.out());
  }
}
