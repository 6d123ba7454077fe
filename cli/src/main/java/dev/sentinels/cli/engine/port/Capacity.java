package dev.sentinels.cli.engine.port;

import java.util.List;
import java.util.Map;

/**
 * What the runtime can take now, read at one moment.
 *
 * @param nodes every node (the local machine is one), accepting work or not
 * @param boundJobs for active jobs already placed: job id to node; their requests are in that
 *     node's figures, while active jobs missing here still need room the policy must find
 * @param placementFinal whether the node an admission pass picks is where the job runs (one
 *     machine), rather than a hint for the cluster's own scheduler
 * @param nodeConstraints whether a job's nodeSelector and tolerations apply to these nodes (a
 *     cluster's, with labels and taints); one machine has neither, and runs such a job anyway
 */
public record Capacity(
    List<NodeView> nodes,
    Map<String, String> boundJobs,
    boolean placementFinal,
    boolean nodeConstraints) {

  public Capacity {
    nodes = List.copyOf(nodes);
    boundJobs = Map.copyOf(boundJobs);
  }
}
