package dev.sentinels.cli.queue;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quota side of a pass: what each queue's active jobs hold, growing as the pass admits. A queue
 * that is not configured (the backend rejects those at submit) has no quota.
 */
final class QuotaLedger {

  /** One queue's running totals; plain longs, as admission checks them once per job. */
  static final class Account {
    private final String queue;
    private final Resources quota;
    private long heldCpu;
    private long heldMemory;
    private long heldGpus;
    private Resources heldBeforePass = Resources.ZERO;
    private Resources admitting = Resources.ZERO;
    private int activeJobs;
    private int admittedJobs;
    private int waitingJobs;

    private Account(String queue, Resources quota) {
      this.queue = queue;
      this.quota = quota;
    }

    String queue() {
      return queue;
    }

    /** Null when the queue has no quota. */
    Resources quota() {
      return quota;
    }

    Resources held() {
      return new Resources(heldCpu, heldMemory, heldGpus);
    }

    /** Whether the request alone fits in the quota: false means it can never be admitted. */
    boolean quotaCouldEverAllow(Resources request) {
      return quota == null || request.fitsIn(quota);
    }

    /** Whether admitting the request keeps the queue within its quota. */
    boolean quotaAllows(Resources request) {
      return quota == null
          || (heldCpu + request.cpuMillis() <= quota.cpuMillis()
              && heldMemory + request.memoryBytes() <= quota.memoryBytes()
              && heldGpus + request.gpus() <= quota.gpus());
    }

    private void hold(Resources request) {
      heldCpu += request.cpuMillis();
      heldMemory += request.memoryBytes();
      heldGpus += request.gpus();
    }

    void admit(Resources request) {
      hold(request);
      admitting = admitting.plus(request);
      admittedJobs++;
    }

    void waits() {
      waitingJobs++;
    }

    QueueUsage usage() {
      return new QueueUsage(
          queue, quota, heldBeforePass, admitting, activeJobs, admittedJobs, waitingJobs);
    }
  }

  private final Map<String, Resources> quotas = new HashMap<>();
  private final Map<String, Account> accounts = new HashMap<>();

  QuotaLedger(QueueConfig config, List<ActiveJob> active) {
    config
        .queues()
        .forEach(
            (name, queue) -> {
              quotas.put(name, queue.quota());
              account(name);
            });
    for (ActiveJob job : active) {
      Account account = account(job.queue());
      account.hold(job.request());
      account.activeJobs++;
    }
    for (Account account : accounts.values()) {
      account.heldBeforePass = account.held();
    }
  }

  Account account(String queue) {
    return accounts.computeIfAbsent(queue, name -> new Account(name, quotas.get(name)));
  }

  /** Usage of every queue seen, by name. */
  Map<String, QueueUsage> usage() {
    Map<String, QueueUsage> byName = new TreeMap<>();
    accounts.forEach((name, account) -> byName.put(name, account.usage()));
    return byName;
  }
}
