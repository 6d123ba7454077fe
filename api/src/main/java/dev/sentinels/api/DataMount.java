package dev.sentinels.api;

/**
 * A read-only mount of shared data into the job: an existing PersistentVolumeClaim ({@code claim})
 * or a directory on the node ({@code hostPath}), exactly one of them, at {@code mountPath}.
 */
public record DataMount(
    String name, String claim, String hostPath, String subPath, String mountPath) {}
