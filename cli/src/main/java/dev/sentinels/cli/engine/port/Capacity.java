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
 */
public record Capacity(
    List<NodeView> nodes, Map<String, String> boundJobs, boolean placementFinal) {

  public Capacity {
    nodes = List.copyOf(nodes);
    boundJobs = Map.copyOf(boundJobs);
  }
}
