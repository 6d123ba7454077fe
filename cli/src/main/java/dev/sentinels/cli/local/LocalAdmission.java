package dev.sentinels.cli.local;

import dev.sentinels.cli.engine.port.AdmissionGuard;
import dev.sentinels.cli.engine.port.PassReport;

/**
 * Admission locally: the whole pass is one immediate transaction, so the database's write lock is
 * the guard and no fence is needed: a pass that dies leaves nothing half-written.
 */
final class LocalAdmission implements AdmissionGuard {

  private final LocalStore store;
  private final String identity;

  LocalAdmission(LocalStore store, String identity) {
    this.store = store;
    this.identity = identity;
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public PassReport run(Pass pass) {
    return store.inTransaction(() -> pass.run(Fence.NONE));
  }

  /** Waits on the lock instead: a pass that runs after the caller's write always sees it. */
  @Override
  public PassReport runAfterWrite(Pass pass) {
    return run(pass);
  }
}
