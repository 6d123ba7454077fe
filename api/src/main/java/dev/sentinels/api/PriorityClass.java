package dev.sentinels.api;

/** A named priority; higher values are admitted first (as Kueue's WorkloadPriorityClass). */
public record PriorityClass(String name, int value, String description) {}
