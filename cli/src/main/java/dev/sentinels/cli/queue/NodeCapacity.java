package dev.sentinels.cli.queue;

import dev.sentinels.api.Resources;
import java.util.Objects;

/**
 * One schedulable node as the backend sees it at the start of a pass. NotReady and cordoned nodes
 * are left out by the backend rather than flagged here.
 *
 * @param name node name; ties between equally good nodes go to the first name
 * @param allocatable all the node can ever give to pods; tells "not now" from "never"
 * @param free allocatable minus the requests of pods already bound to the node
 */
public record NodeCapacity(String name, Resources allocatable, Resources free) {

  public NodeCapacity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(allocatable, "allocatable");
    Objects.requireNonNull(free, "free");
  }
}
