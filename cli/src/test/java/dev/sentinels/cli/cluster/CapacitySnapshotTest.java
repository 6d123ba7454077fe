package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sentinels.api.Resources;
import dev.sentinels.api.Taint;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.support.RecordCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snapshot's JSON gives back the capacity the scheduler read, labels and taints included. */
class CapacitySnapshotTest {

  @Test
  void capacityRoundTripsThroughItsJson() {
    Capacity capacity =
        new Capacity(
            List.of(
                new NodeView(
                    "gpu-1",
                    new Resources(8000, 32L << 30, 2),
                    new Resources(1500, 4L << 30, 1),
                    3,
                    true,
                    false,
                    Map.of("pool", "a100"),
                    List.of(new Taint("nvidia.com/gpu", "present", "NoSchedule")))),
            Map.of("job-1", "gpu-1"),
            false,
            true);
    String json = RecordCodec.mapper().writeValueAsString(capacity);
    assertEquals(capacity, RecordCodec.mapper().readValue(json, Capacity.class));
  }
}
