#!/usr/bin/env python3
"""Logistic regression on generated data, with Python's standard library only.

Hyper-parameters come from the environment Sentinels sets for every job (SENTINEL_PARAM_<NAME>,
one per `params:` entry of the spec). Prints the loss per epoch and writes metrics.json into
SENTINEL_ARTIFACTS_DIR (or the working directory). Logs to MLflow too when a run is set up for it.
"""
import json
import math
import os
import random
import time


def param(name, default):
    return type(default)(os.environ.get("SENTINEL_PARAM_" + name.upper(), default))


lr = param("lr", 0.1)
epochs = param("epochs", 20)
samples = param("samples", 400)
seed = param("seed", 7)
pause = param("pause", 0.0)  # seconds per epoch, to keep a demo's queue visible

# Two Gaussian blobs, labelled 0 and 1.
rng = random.Random(seed)
data = []
for i in range(samples):
    label = i % 2
    centre = 1.0 if label else -1.0
    data.append(((rng.gauss(centre, 1.0), rng.gauss(centre, 1.0)), label))

w = [0.0, 0.0]
b = 0.0


def predict(x):
    z = w[0] * x[0] + w[1] * x[1] + b
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


mlflow = None
if os.environ.get("MLFLOW_RUN_ID"):
    try:
        import mlflow  # noqa: F811 -- optional: only when a tracking run is set up
    except ImportError:
        mlflow = None

job = os.environ.get("SENTINEL_JOB_ID", "local")
print(f"{job}: logistic regression, lr={lr} epochs={epochs} samples={samples}", flush=True)
loss = accuracy = 0.0
for epoch in range(1, epochs + 1):
    gw0 = gw1 = gb = 0.0
    loss = 0.0
    correct = 0
    for x, y in data:
        p = predict(x)
        loss -= y * math.log(max(p, 1e-12)) + (1 - y) * math.log(max(1 - p, 1e-12))
        correct += (p >= 0.5) == (y == 1)
        gw0 += (p - y) * x[0]
        gw1 += (p - y) * x[1]
        gb += p - y
    n = len(data)
    w[0] -= lr * gw0 / n
    w[1] -= lr * gw1 / n
    b -= lr * gb / n
    loss /= n
    accuracy = correct / n
    print(f"epoch {epoch:3d}  loss {loss:.4f}  accuracy {accuracy:.3f}", flush=True)
    if mlflow:
        mlflow.log_metric("loss", loss, step=epoch)
    time.sleep(pause)

metrics = {"loss": round(loss, 6), "accuracy": round(accuracy, 6), "lr": lr, "epochs": epochs}
out_dir = os.environ.get("SENTINEL_ARTIFACTS_DIR") or os.getcwd()
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "metrics.json"), "w") as f:
    json.dump(metrics, f)
if mlflow:
    mlflow.log_metric("accuracy", accuracy)
print(f"done: loss {loss:.4f}, accuracy {accuracy:.3f}; metrics in {out_dir}/metrics.json", flush=True)
