package dev.sentinels.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueConfigReaderTest {

  @Test
  void readsClassesQueuesQuotasAndTimeout() {
    QueueConfig config =
        QueueConfigReader.read(
            """
            priorityClasses:
              - {name: batch, value: 10}
              - {name: interactive, value: 500, description: People waiting}
            defaultPriority: batch
            queues:
              - name: research
                quota: {gpu: 4}
              - {name: prod, quota: {cpu: 64, memory: 256Gi, gpu: 8}}
            starvationTimeout: 30m
            """,
            "test");
    assertEquals(
        java.util.List.of(
            new PriorityClass("batch", 10, null),
            new PriorityClass("interactive", 500, "People waiting")),
        config.priorityClasses());
    assertEquals("batch", config.defaultPriority());
    assertEquals(
        new Resources(Resources.UNBOUNDED, Resources.UNBOUNDED, 4),
        config.queues().get("research").quota());
    assertEquals("any cpu, any memory, 4 gpus", config.queues().get("research").quota().toString());
    assertEquals(new Resources(64_000, 256L << 30, 8), config.queues().get("prod").quota());
    assertEquals(Duration.ofMinutes(30), config.starvationTimeout());
  }

  @Test
  void emptyConfigIsTheDefaults() {
    assertEquals(QueueConfig.defaults(), QueueConfigReader.read("# nothing yet\n", "test"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {queue: []}                                          | cm: queue: unknown field; did you mean "queues"?
          {defaultPriority: top}                               | cm: defaultPriority: "top" is not one of the priorityClasses; known: low, normal, high, urgent
          {priorityClasses: [{name: Big, value: 1}]}           | cm: priorityClasses[0].name: must be a lower-case DNS label such as high or team-a
          {priorityClasses: [{name: big, value: -1}]}          | cm: priorityClasses[0].value: must be a whole number >= 0
          {queues: [{name: q, quota: {cpu: lots}}]}            | cm: queues[0].quota: 'lots' is not a quantity (e.g. 2, 500m, 4Gi)
          {starvationTimeout: soon}                            | cm: starvationTimeout: "soon" is not a duration; use e.g. 15m or 1h
          """)
  void rejectsBadConfigNamingTheField(String yaml, String message) {
    SpecException error =
        assertThrows(SpecException.class, () -> QueueConfigReader.read(yaml, "cm"));
    assertEquals(message, error.getMessage());
  }
}
