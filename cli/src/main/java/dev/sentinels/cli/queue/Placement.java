package dev.sentinels.cli.queue;

import dev.sentinels.api.JobSpec;
import dev.sentinels.api.Taint;
import dev.sentinels.api.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Where a job may run, as the kube-scheduler will see it: the node labels it needs ({@code
 * nodeSelector}) and the taints it tolerates. Admission only places a job on a node its pod could
 * be bound to, or a tainted node would be counted as room the job can never use.
 */
public record Placement(Map<String, String> nodeSelector, List<Toleration> tolerations) {

  /** No selector, no tolerations: every node without a barring taint. */
  public static final Placement ANY = new Placement(Map.of(), List.of());

  public Placement {
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = List.copyOf(tolerations);
  }

  public static Placement of(JobSpec spec) {
    return spec.nodeSelector().isEmpty() && spec.tolerations().isEmpty()
        ? ANY
        : new Placement(spec.nodeSelector(), spec.tolerations());
  }

  /**
   * Whether the job's pod could be bound to {@code node}: labels match, barring taints tolerated.
   */
  public boolean allows(NodeCapacity node) {
    return whyNot(node) == null;
  }

  /**
   * Why the pod could not be bound to {@code node}, as the kube-scheduler would first find it (an
   * untolerated taint, then a missing label), e.g. {@code has untolerated taint
   * pool=real:NoSchedule}; null when it could.
   */
  public String whyNot(NodeCapacity node) {
    for (Taint taint : node.taints()) {
      if (taint.bars() && tolerations.stream().noneMatch(t -> t.tolerates(taint))) {
        return "untolerated taint "
            + taint.key()
            + (taint.value() == null || taint.value().isEmpty() ? "" : "=" + taint.value())
            + ":"
            + taint.effect();
      }
    }
    for (Map.Entry<String, String> wanted : nodeSelector.entrySet()) {
      if (!wanted.getValue().equals(node.labels().get(wanted.getKey()))) {
        return "no label " + wanted.getKey() + "=" + wanted.getValue();
      }
    }
    return null;
  }

  /** For people: {@code nodeSelector gpu=a100, tolerates pool=train:NoSchedule}. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    if (!nodeSelector.isEmpty()) {
      text.append("nodeSelector ");
      nodeSelector.forEach((k, v) -> text.append(k).append('=').append(v).append(' '));
    }
    if (!tolerations.isEmpty()) {
      text.append(text.length() > 0 ? "and " : "").append("tolerating ");
      for (Toleration t : tolerations) {
        text.append(t.key() == null ? "*" : t.key())
            .append(t.value() == null ? "" : "=" + t.value())
            .append(t.effect() == null ? "" : ":" + t.effect())
            .append(' ');
      }
    }
    return text.length() == 0 ? "any node" : text.toString().trim();
  }
}
