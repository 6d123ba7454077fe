package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.plugin.JobHooks;
import java.time.Clock;

/** Steps of the use cases, one at a time, for tests that stage races between them. */
public final class EngineTesting {

  private EngineTesting() {}

  /** Stores the job as Queued: no pass, no runner. */
  public static JobRecord enqueue(Backend backend, JobSpec spec) {
    return Submission.store(
        spec,
        backend.queueConfig(),
        backend.currentUser(),
        Clock.systemUTC().instant(),
        JobHooks.none(Clock.systemUTC()),
        backend.namespace().orElse("local"),
        backend.store()::create);
  }

  /** One admission pass under the backend's guard, and nothing else (no runner, no delivery). */
  public static PassReport pass(Backend backend) {
    String identity = Identity.of("test");
    return backend
        .admission(identity, false)
        .run(
            new AdmissionPass(
                backend.store(),
                backend.runtime(),
                backend::queueConfig,
                identity,
                Clock.systemUTC()));
  }
}
