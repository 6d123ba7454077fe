package dev.sentinels.cli.support;

import dev.sentinels.api.JobRecord;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one wire form of a {@link JobRecord}: JSON, as both backends store it and {@code -o json}
 * prints it. Unknown fields are ignored so older CLIs can read records written by newer ones.
 */
public final class RecordCodec {

  private static final JsonMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private RecordCodec() {}

  public static String toJson(JobRecord record) {
    return MAPPER.writeValueAsString(record);
  }

  public static JobRecord fromJson(String json) {
    return MAPPER.readValue(json, JobRecord.class);
  }

  public static JsonMapper mapper() {
    return MAPPER;
  }
}
