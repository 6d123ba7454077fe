package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.queue.AdmissionPlan;
import java.util.Map;

/** The queued jobs by id and the policy's plan for them (order, verdicts, reasons). */
public record QueueView(Map<String, JobRecord> pending, AdmissionPlan plan) {}
