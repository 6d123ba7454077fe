package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobState;
import dev.sentinels.cli.spec.RepositoryFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart's spec and training script, run as a local job the way run.sh does. */
class QuickstartTest {

  @TempDir Path dir;

  @Test
  void trainingJobReadsItsParamsLearnsAndWritesMetrics() throws Exception {
    Path quickstart = RepositoryFiles.resolve("examples/quickstart");
    LocalHome local = new LocalHome(dir, Files.readString(quickstart.resolve("config.yaml")));
    try (local) {
      String id =
          LocalHome.id(
              local.cli(
                  "submit",
                  "-f",
                  quickstart.resolve("urgent.yaml").toString(),
                  "--set",
                  "params.epochs=5",
                  "--set",
                  "params.pause=0",
                  "-o",
                  "name",
                  "--",
                  "python3",
                  quickstart.resolve("train.py").toString()));
      local.awaitState(id, JobState.SUCCEEDED);

      String logs = local.cli("logs", id).out();
      assertTrue(logs.startsWith(id + ": logistic regression, lr=1.0 epochs=5"), logs);
      assertTrue(logs.contains("epoch   5  loss "), logs);
      String metrics = Files.readString(local.home.jobDir(id).resolve("artifacts/metrics.json"));
      double loss = Double.parseDouble(metrics.replaceAll(".*\"loss\": ([0-9.]+).*", "$1"));
      assertTrue(loss < 0.5, "it learned nothing: " + metrics); // 0.693 is chance
      assertTrue(metrics.contains("\"epochs\": 5"), metrics);
      assertEquals(JobState.SUCCEEDED, local.get(id).state());
    }
  }
}
