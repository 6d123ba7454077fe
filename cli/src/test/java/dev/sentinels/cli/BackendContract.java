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
    String id = run.out().trim().replaceFirst("^job/", "");
    leftOver.add(id);
    return id;
  }

  /** The job's state as {@code status -o json} shows it. */
  protected JobState state(String id) {
    return JobState.parse(job(id).at("/status/state").asString());
  }

  protected JsonNode job(String id) {
    CliRun status = sentinel("status", id, "-o", "json");
    assertEquals(ExitCodes.OK, status.exitCode(), status.err());
    JsonNode root = RecordCodec.mapper().readTree(status.out());
    return root.has("items") ? root.get("items").get(0) : root;
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
    assertTrue(job(id).at("/status/reason").asString().contains("exit code 3"), job(id).toString());
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
        "error: priority: unknown priority class \"hihg\"; known: low, normal, high, urgent\n",
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

  /**
   * One line of the command-line corpus: {@code {done}} is a finished job, {@code {waiting}} one
   * that can never run; the exit code, then what standard error (or output) must contain.
   */
  record Line(List<String> args, int exit, String err, String out) {
    static Line of(int exit, String err, String... args) {
      return new Line(List.of(args), exit, err, null);
    }

    static Line prints(String out, String... args) {
      return new Line(List.of(args), ExitCodes.OK, null, out);
    }
  }

  /** Flags before or after the verb, bad flags and values, ids as job/<id>, formats per verb. */
  static List<Line> corpus() {
    int ok = ExitCodes.OK;
    int usage = ExitCodes.USAGE;
    int missing = ExitCodes.NOT_FOUND;
    int failed = ExitCodes.FAILED;
    return List.of(
        Line.of(ok, null, "status"),
        Line.prints("\"kind\" : \"List\"", "-o", "json", "status", "--all"),
        Line.prints("kind: List", "status", "--all", "-o", "yaml"),
        Line.prints("job/{done}", "status", "{done}", "-o", "name"),
        Line.prints("job/{done}", "status", "job/{done}", "-o", "name"),
        Line.prints("\"kind\" : \"Job\"", "status", "job/{done}", "-o", "json"),
        Line.prints("{done}", "--no-headers", "status", "--all"),
        Line.of(usage, "error: unknown flag: --bogus", "status", "--bogus"),
        Line.of(usage, "error: unknown flag: --bogus", "--bogus", "status"),
        Line.of(usage, "See 'sentinel status --help' for usage.", "status", "--bogus"),
        Line.of(usage, "(did you mean --state?)", "status", "--stat"),
        Line.of(
            usage, "unknown command \"statsu\" for \"sentinel\" (did you mean status?)", "statsu"),
        Line.of(usage, "unknown command \"xyzzy\" for \"sentinel\"\n", "xyzzy"),
        Line.of(usage, "'jsn' is not an output format", "status", "-o", "jsn"),
        Line.of(usage, "--output: logs has no output formats", "logs", "-o", "json", "{done}"),
        Line.of(
            usage,
            "--output: cancel prints table, name, not wide",
            "cancel",
            "-o",
            "wide",
            "{done}"),
        Line.of(usage, "--output: priorities prints", "priorities", "-o", "wide"),
        Line.of(usage, "--output: queues prints", "queues", "-o", "wide"),
        Line.of(
            usage,
            "--output: submit prints",
            "submit",
            "-o",
            "wide",
            "--name",
            "x",
            "--image",
            "b"),
        Line.of(usage, "--output: scheduler has no output formats", "scheduler", "-o", "json"),
        Line.of(
            usage,
            "--health-port: 70000 is not a port; give 1-65535",
            "scheduler",
            "--health-port",
            "70000"),
        Line.of(
            usage, "Invalid value for option '--health-port'", "scheduler", "--health-port", "x"),
        Line.of(
            usage,
            "--namespaces: 'Team_A' is not a namespace name",
            "scheduler",
            "--namespaces",
            "ok,Team_A"),
        Line.of(
            usage,
            "--namespaces: give either --namespaces, -n or -A",
            "scheduler",
            "-A",
            "--namespaces",
            "a"),
        Line.of(usage, "--output: version prints", "version", "-o", "name"),
        Line.of(
            usage,
            "--no-headers: queue prints no table here",
            "queue",
            "-o",
            "json",
            "--no-headers"),
        Line.of(usage, "--no-headers: logs prints no table here", "logs", "--no-headers", "{done}"),
        Line.of(
            usage,
            "--no-headers: submit prints no table here",
            "submit",
            "--no-headers",
            "--name",
            "x"),
        Line.of(usage, "Missing required parameter", "describe"),
        Line.of(
            usage, "JOB: 'pod/x' is not a job; name one as <id> or job/<id>", "describe", "pod/x"),
        Line.of(usage, "JOB: 'job/' is not a job", "status", "job/"),
        Line.prints("ID:", "describe", "job/{done}"),
        Line.prints("\"kind\" : \"List\"", "describe", "{done}", "{done2}", "-o", "json"),
        Line.prints("job/{done}\njob/{done2}\n", "describe", "{done}", "job/{done2}", "-o", "name"),
        Line.of(usage, "--limit: must be 0 (all) or more, got -1", "history", "--limit", "-1"),
        Line.of(usage, "Invalid value for option '--limit'", "history", "--limit", "x"),
        Line.of(ok, null, "history", "--limit", "0"),
        Line.prints("job/", "history", "-o", "name"),
        Line.prints("RESULT", "history", "-o", "wide"),
        Line.of(ok, null, "logs", "--tail", "-1", "{done}"),
        Line.prints("", "logs", "--tail", "0", "{done}"),
        Line.of(
            usage, "--tail: must be -1 (all) or more, got -2", "logs", "--tail", "-2", "{done}"),
        Line.of(missing, "error: no job 'nope' in ", "logs", "nope"),
        Line.of(missing, "error: no job 'nope' in ", "status", "nope"),
        Line.of(missing, "error: no job 'nope' in ", "describe", "job/nope"),
        Line.of(missing, "error: no job 'nope' in ", "cancel", "nope"),
        Line.of(missing, "error: no job 'nope' in ", "priority", "set", "nope", "high"),
        Line.of(failed, "already Succeeded; nothing to cancel", "cancel", "{done}"),
        Line.of(
            failed,
            "already Succeeded; priority no longer matters",
            "priority",
            "set",
            "{done}",
            "high"),
        Line.of(
            usage,
            "unknown priority class \"hihg\"; known: low, normal, high, urgent",
            "priority",
            "set",
            "{waiting}",
            "hihg"),
        Line.of(usage, "Missing required parameter", "priority", "set"),
        Line.prints("job/{waiting}\n", "priority", "set", "job/{waiting}", "high", "-o", "name"),
        Line.prints("\"kind\" : \"Job\"", "priority", "set", "{waiting}", "urgent", "-o", "json"),
        Line.prints(
            "priorityclass/urgent\npriorityclass/high\npriorityclass/normal\npriorityclass/low\n",
            "priorities",
            "-o",
            "name"),
        Line.prints("urgent   100000", "priorities", "--no-headers"),
        Line.prints("\"default\" : true", "priorities", "-o", "json"),
        Line.prints("queue/default\n", "queues", "-o", "name"),
        Line.prints("node/", "nodes", "-o", "name"),
        Line.prints("FREE-GPU", "nodes", "-o", "wide"),
        Line.prints("job/{waiting}", "queue", "-o", "name"),
        Line.prints("HELD-NODE", "queue", "-o", "wide"),
        Line.prints("\"reasonType\" : \"LargerThanAnyNode\"", "queue", "-o", "json"),
        Line.of(ok, null, "queue", "--no-headers"),
        Line.of(ok, null, "queue", "-q", "nosuch"),
        Line.prints("sentinel 0.", "version"),
        Line.prints("\"kind\" : \"Version\"", "version", "-o", "json"),
        Line.prints("kind: Diagnosis", "doctor", "-o", "yaml"),
        Line.of(usage, "error: JOB: give the jobs to delete, or --all", "delete"),
        Line.of(
            usage,
            "error: --all: give either job ids or --all, not both",
            "delete",
            "--all",
            "{done}"),
        Line.of(usage, "error: --state: only with --all", "delete", "--state", "Failed", "{done}"),
        Line.of(usage, "--output: delete prints table, name", "delete", "-o", "json", "{done}"),
        Line.of(usage, "unknown state 'Finished'", "delete", "--all", "--state", "Finished"),
        Line.of(missing, "error: no job 'nosuch'", "delete", "nosuch"),
        Line.of(usage, "--output: doctor prints table, json, yaml", "doctor", "-o", "wide"),
        Line.of(usage, "error: unknown flag: --strcit", "doctor", "--strcit"),
        Line.of(usage, "error: unexpected argument \"extra\"", "doctor", "extra"),
        Line.prints("Usage: sentinel", "help"),
        Line.prints("Usage: sentinel status", "help", "status"),
        Line.prints("Exit codes:", "--help"),
        Line.prints("--watch", "status", "--help"),
        Line.prints("_sentinel_complete", "completion", "bash"),
        Line.of(
            usage, "SHELL: 'tcsh' is not supported; use bash, zsh or fish", "completion", "tcsh"),
        Line.of(usage, "Missing required parameter", "completion"),
        Line.of(usage, "name: is required", "submit", "--image", "b"),
        Line.of(usage, "image: is required", "submit", "--name", "x"),
        Line.of(usage, "name: ", "submit", "--name", "X_1", "--image", "b"),
        Line.of(usage, "cpu", "submit", "--name", "x", "--image", "b", "--cpu", "lots"),
        Line.of(usage, "gpu", "submit", "--name", "x", "--image", "b", "--gpus", "-1"),
        Line.of(usage, "timeout", "submit", "--name", "x", "--image", "b", "--set", "timeout=soon"),
        Line.of(
            usage,
            "priority: unknown priority class \"hihg\"",
            "submit",
            "--name",
            "x",
            "--image",
            "b",
            "--priority",
            "hihg"),
        Line.of(usage, "queue", "submit", "--name", "x", "--image", "b", "--queue", "nosuch"),
        Line.of(
            usage,
            "--wait-for-capacity: only with --wait",
            "submit",
            "--name",
            "x",
            "--image",
            "b",
            "--wait-for-capacity"),
        Line.of(
            usage, "--all-namespaces: status works in one namespace", "status", "-A", "--watch"),
        Line.of(
            usage, "--all-namespaces: describe works in one namespace", "describe", "-A", "{done}"),
        Line.of(usage, "--all-namespaces: logs works in one namespace", "logs", "-A", "{done}"),
        Line.of(ok, null, "status", "-A"),
        Line.prints("\"kind\" : \"List\"", "queue", "-A", "-o", "json"),
        Line.of(ok, null, "-A", "history"),
        Line.of(usage, "unknown state 'bogus'", "status", "--state", "bogus"),
        Line.of(ok, null, "status", "--state", "Running,queued"),
        Line.of(usage, "Missing required parameter", "compare", "{done}"),
        Line.of(usage, "--limit: must be at least 1, got 0", "runs", "--limit", "0"),
        Line.of(usage, "--output: shell has no output formats", "shell", "-o", "json"));
  }

  /** Jobs the corpus names: two finished, one waiting for ever. */
  private java.util.Map<String, String> corpusJobs() {
    String done = submit("done", slot(), printsAndRuns("one", Duration.ofMillis(100)));
    String done2 = submit("done", slot(), printsAndRuns("two", Duration.ofMillis(100)));
    String waiting =
        submit("waiting", tooLargeForAnyNode(), printsAndRuns("x", Duration.ofSeconds(1)));
    awaitEnd(done);
    awaitEnd(done2);
    return java.util.Map.of("{done}", done, "{done2}", done2, "{waiting}", waiting);
  }

  @Test
  void theCommandLineCorpus() {
    java.util.Map<String, String> jobs = corpusJobs();
    List<String> wrong = new ArrayList<>();
    for (Line line : corpus()) {
      String[] args =
          line.args().stream()
              .map(
                  a ->
                      jobs.entrySet().stream()
                          .reduce(a, (t, e) -> t.replace(e.getKey(), e.getValue()), (x, y) -> x))
              .toArray(String[]::new);
      CliRun run = sentinel(args);
      String shown = "sentinel " + String.join(" ", args);
      if (run.exitCode() != line.exit()) {
        wrong.add(shown + ": exit " + run.exitCode() + ", not " + line.exit() + "\n  " + run.err());
        continue;
      }
      if (line.err() != null && !run.err().contains(line.err())) {
        wrong.add(shown + ": stderr lacks \"" + line.err() + "\"\n  " + run.err());
      }
      String out =
          line.out() == null
              ? null
              : jobs.entrySet().stream()
                  .reduce(line.out(), (t, e) -> t.replace(e.getKey(), e.getValue()), (x, y) -> x);
      if (out != null && !run.out().contains(out)) {
        wrong.add(shown + ": stdout lacks \"" + out + "\"\n  " + run.out());
      }
      if (run.exitCode() != ExitCodes.OK) {
        if (run.err().lines().count() > 2
            || run.err().contains("Exception")
            || run.err().contains("\tat ")) {
          wrong.add(shown + ": more than an error line and a pointer\n  " + run.err());
        }
        if (!run.out().isEmpty() && run.exitCode() == ExitCodes.USAGE) {
          wrong.add(shown + ": printed output though refused\n  " + run.out());
        }
      }
    }
    assertEquals(List.of(), wrong, wrong.size() + " of " + corpus().size() + " lines went wrong");
    assertTrue(corpus().size() >= 60, "a corpus of at least 60 lines");
  }

  @Test
  void deleteCancelsARunningJobAndLeavesNoTraceOfIt() {
    String running = submit("doomed", slot(), printsAndRuns("doomed", Duration.ofMinutes(5)));
    String done = submit("spent", slot(), printsAndRuns("spent", Duration.ofMillis(100)));
    awaitState(running, JobState.RUNNING);
    awaitEnd(done);
    assertTrue(stillRuns(running));

    CliRun deleted = sentinel("delete", "job/" + running, done, "nosuch");
    assertEquals(ExitCodes.NOT_FOUND, deleted.exitCode(), deleted::toString);
    assertEquals("job/" + running + " deleted\njob/" + done + " deleted\n", deleted.out());
    for (String id : List.of(running, done)) {
      assertEquals(ExitCodes.NOT_FOUND, sentinel("status", id).exitCode(), id);
      assertEquals(ExitCodes.NOT_FOUND, sentinel("logs", id).exitCode(), id);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (stillRuns(running)) {
      assertTrue(System.nanoTime() < deadline, "the deleted job still runs");
      dev.sentinels.cli.support.Sleeping.sleep(200);
    }
    assertFalse(
        sentinel("history", "-o", "name").out().contains(running), "history still lists it");
  }

  @Test
  void doctorChecksEveryPartAndPassesOnAWorkingBackend() {
    CliRun run = sentinel("doctor");
    assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).matches("CHECK +STATUS +DETAIL"), run.out());
    java.util.Map<String, String> status = new java.util.LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(" {2,}", 3);
      status.put(cells[0], cells[1]);
    }
    assertEquals(
        List.of(
            "connection",
            "configuration",
            "permissions",
            "scheduler",
            "versions",
            "capacity",
            "plugins"),
        List.copyOf(status.keySet()),
        run.out());
    status.forEach((check, outcome) -> assertTrue(outcome.matches("ok|warn"), run::out));
    assertEquals("ok", status.get("permissions"), run.out());
    assertEquals("ok", status.get("versions"), run.out());

    JsonNode json = RecordCodec.mapper().readTree(sentinel("doctor", "-o", "json").out());
    assertEquals("Diagnosis", json.path("kind").asString());
    assertTrue(json.path("passed").asBoolean(), json::toString);
    assertEquals(7, json.path("checks").size(), json::toString);
    // --strict: a warning fails the run, as in a CI gate.
    boolean warned = status.containsValue("warn");
    assertEquals(
        warned ? ExitCodes.FAILED : ExitCodes.OK, sentinel("doctor", "--strict").exitCode());
  }

  @Test
  void everyStructuredOutputMatchesTheDocumentedSchema() throws Exception {
    java.util.Map<String, String> jobs = corpusJobs();
    var schema = OutputSchema.load();
    List<List<String>> commands =
        List.of(
            List.of("status", "--all"),
            List.of("status", jobs.get("{done}")),
            List.of("status", jobs.get("{done}"), jobs.get("{waiting}")),
            List.of("describe", jobs.get("{done}")),
            List.of("queue"),
            List.of("queue", "-A"),
            List.of("history"),
            List.of("priorities"),
            List.of("queues"),
            List.of("nodes"),
            List.of("version"),
            List.of("doctor"),
            List.of("priority", "set", jobs.get("{waiting}"), "high"),
            List.of(
                    "submit",
                    "--name",
                    "schema",
                    "--set",
                    "params.lr=0.01",
                    "--set",
                    "params.tag=007")
                .stream()
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new)));
    List<String> wrong = new ArrayList<>();
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      if (args.get(0).equals("submit")) {
        args.addAll(slot());
        args.addAll(printsAndRuns("schema", Duration.ofMillis(100)));
      }
      for (String format : List.of("json", "yaml")) {
        List<String> withFormat = new ArrayList<>(args);
        int dashes = withFormat.indexOf("--");
        withFormat.addAll(dashes < 0 ? withFormat.size() : dashes, List.of("-o", format));
        CliRun run = sentinel(withFormat.toArray(String[]::new));
        if (run.exitCode() != ExitCodes.OK) {
          wrong.add(withFormat + ": exit " + run.exitCode() + " " + run.err());
          continue;
        }
        schema
            .problems(run.out(), format.equals("yaml"))
            .forEach(p -> wrong.add(withFormat + ": " + p));
      }
    }
    assertEquals(List.of(), wrong);
  }
}
