package dev.sentinels.elasticsearch;

import java.nio.file.Path;

/**
 * A real Elasticsearch on loopback, started by {@code scripts/elasticsearch.sh}.
 *
 * @param url its base URL
 * @param dir its state; with security on, {@code ca.crt} and {@code password} (user {@code
 *     sentinel}) are there
 */
public record ElasticsearchServer(String url, Path dir) {}
