package dev.sentinels.mlflow;

import java.nio.file.Path;

/**
 * A real MLflow tracking server on loopback (sqlite store), started by {@code scripts/mlflow.sh}.
 *
 * @param url its base URL, e.g. {@code http://127.0.0.1:40123}
 * @param python the venv's python, which can {@code import mlflow}
 */
public record MlflowServer(String url, Path python) {}
