package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Jobs as {@code status}, {@code history} and {@code --watch} print them: a table (wider with
 * {@code -o wide}, with a NAMESPACE column across namespaces), their names, or the objects of
 * {@link OutputObjects}.
 *
 * @param single one job was named, so json and yaml print it alone rather than in a List
 * @param namespaced listed across namespaces ({@code -A})
 */
record JobView(OutputFormat format, boolean single, boolean namespaced) {

  /** A job and the namespace it lives in (null locally). */
  record Listed(String namespace, JobRecord job) {}

  private static final List<String> COLUMNS =
      List.of(
          "ID", "STATE", "QUEUE", "PRIORITY", "AGE", "DURATION", "CPU", "MEMORY", "GPU", "NODE");
  private static final List<String> WIDE = List.of("USER", "IMAGE", "REASON");

  static List<Listed> in(String namespace, List<JobRecord> jobs) {
    return jobs.stream().map(j -> new Listed(namespace, j)).toList();
  }

  void print(PrintStream out, List<Listed> jobs, Instant now, boolean headers) {
    switch (format) {
      case json, yaml ->
          Printer.objects(
              out,
              format,
              jobs.stream().map(j -> OutputObjects.job(j.job(), j.namespace(), now)).toList(),
              single);
      case name -> jobs.forEach(j -> out.println("job/" + j.job().id()));
      default -> {
        Table table = table();
        jobs.forEach(listed -> row(table, listed, now));
        dev.sentinels.cli.support.Timing.mark("table built");
        if (table.isEmpty()) {
          System.err.println("No jobs found.");
        } else {
          table.print(out, headers);
        }
      }
    }
  }

  Table table() {
    List<String> headers = new ArrayList<>();
    if (namespaced) {
      headers.add("NAMESPACE");
    }
    headers.addAll(COLUMNS);
    if (format == OutputFormat.wide) {
      headers.addAll(WIDE);
    }
    return new Table(headers.toArray(String[]::new));
  }

  void row(Table table, Listed listed, Instant now) {
    JobRecord job = listed.job();
    var r = job.spec().resources();
    List<Object> cells = new ArrayList<>();
    if (namespaced) {
      cells.add(listed.namespace());
    }
    cells.addAll(
        List.of(
            job.id(),
            job.state(),
            job.spec().queueOrDefault(),
            job.spec().priority() == null ? "" : job.spec().priority(),
            Formatting.since(job.submittedAt(), now),
            Formatting.age(job.runTime(now)),
            Formatting.cpu(r.cpuMillis()),
            Formatting.memory(r.memoryBytes()),
            r.gpus(),
            job.node() == null ? "" : job.node()));
    if (format == OutputFormat.wide) {
      cells.add(job.user());
      cells.add(job.spec().image());
      cells.add(job.reason());
    }
    table.row(cells.toArray());
  }
}
