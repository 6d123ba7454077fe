package dev.sentinels.api;

/**
 * A Kubernetes toleration: lets a job run on nodes with a matching taint (a GPU pool, the real node
 * of the test cluster). {@code operator} is {@code Equal} (key and value match) or {@code Exists}
 * (any value; with no key, any taint); an empty {@code effect} matches every effect.
 */
public record Toleration(String key, String operator, String value, String effect) {

  public static final String EQUAL = "Equal";
  public static final String EXISTS = "Exists";

  public Toleration {
    operator = operator == null || operator.isEmpty() ? EQUAL : operator;
  }

  /** Whether this tolerates {@code taint}, by Kubernetes' rules. */
  public boolean tolerates(Taint taint) {
    if (effect != null && !effect.isEmpty() && !effect.equals(taint.effect())) {
      return false;
    }
    if (key == null || key.isEmpty()) {
      return operator.equals(EXISTS);
    }
    if (!key.equals(taint.key())) {
      return false;
    }
    return operator.equals(EXISTS)
        || java.util.Objects.equals(nullToEmpty(value), nullToEmpty(taint.value()));
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
