import type { Message, NodeId } from '../../raft/index.ts';
import type { ClusterNetwork } from '../../node/cluster/cluster.ts';
import type { Deliver, Transport } from '../../node/transport/transport.ts';
import type { LocalNetwork } from '../../node/transport/local-network.ts';

/**
 * A LocalNetwork with a one-way filter on delivery, for the schedules a symmetric partition cannot make:
 * a leader that still sends but no longer hears, a follower that gets heartbeats but no entries.
 */
export class FilterNetwork implements ClusterNetwork {
  /** Messages for which this returns true are lost on delivery. */
  block: (m: Message) => boolean = () => false;

  constructor(readonly inner: LocalNetwork) {}

  join(id: NodeId, deliver: Deliver): Transport {
    return this.inner.join(id, (m) => {
      if (!this.block(m)) deliver(m);
    });
  }

  setDown(id: NodeId, down: boolean): void {
    this.inner.setDown(id, down);
  }
}
