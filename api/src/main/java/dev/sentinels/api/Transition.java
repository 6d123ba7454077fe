package dev.sentinels.api;

import java.time.Instant;

/** One entry of a job's timeline: it entered {@code state} at {@code at}, for {@code reason}. */
public record Transition(JobState state, Instant at, String reason) {}
