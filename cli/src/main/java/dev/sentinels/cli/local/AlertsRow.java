package dev.sentinels.cli.local;

import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.support.RecordCodec;
import java.util.AbstractMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;

/** Resource alert episodes in the store's one {@code alerts} row, written compare-and-set. */
final class AlertsRow implements ResourceAlerts.EpisodeStore {

  private final LocalStore store;

  AlertsRow(LocalStore store) {
    this.store = store;
  }

  @Override
  public Map.Entry<Map<String, String>, String> read() {
    Map.Entry<Map<String, String>, String> row =
        store.selectOne(
            "SELECT state, version FROM alerts WHERE id = 1",
            rs ->
                new AbstractMap.SimpleEntry<>(
                    RecordCodec.mapper()
                        .readValue(rs.getString(1), new TypeReference<Map<String, String>>() {}),
                    Long.toString(rs.getLong(2))));
    return row != null ? row : new AbstractMap.SimpleEntry<>(Map.of(), null);
  }

  @Override
  public boolean write(Map<String, String> state, String version) {
    String json = RecordCodec.mapper().writeValueAsString(new TreeMap<>(state));
    int written =
        version == null
            ? store.execute(
                "INSERT OR IGNORE INTO alerts (state, id, version) VALUES (?, 1, 1)", json)
            : store.execute(
                "UPDATE alerts SET state = ?, version = version + 1 WHERE id = 1 AND version = ?",
                json,
                Long.parseLong(version));
    return written == 1;
  }
}
