package dev.sentinels.cli.engine.port;

import dev.sentinels.api.JobRecord;

/**
 * A record as stored, with the version a conditional write must present: a ConfigMap's
 * resourceVersion, or a row's counter.
 */
public record StoredRecord(JobRecord record, String version) {}
