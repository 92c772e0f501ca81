import { randomInt } from 'node:crypto';
import type { Session } from '../command.ts';

/**
 * Client sessions for the concurrent requests of one cluster client (Cluster, ProcessCluster). A session
 * holds one request at a time (the state machine remembers only each client's latest sequence number), so
 * a request takes an idle session, uses the next sequence number for every attempt, and gives it back.
 * The pool grows to the number of requests in flight at once.
 *
 * Client ids are random (48 bits): a new cluster client on a data directory that already holds sessions
 * of an earlier run must not reuse their ids, or its first requests would be taken for old ones.
 */
export class SessionPool {
  readonly #idle: Array<{ client: number; seq: number }> = [];
  readonly #newClientId: () => number;

  constructor(newClientId: () => number = randomClientId) {
    this.#newClientId = newClientId;
  }

  /** The session of one new request; call `release` once the request is over (whatever its outcome). */
  acquire(): { readonly session: Session; release(): void } {
    const c = this.#idle.pop() ?? { client: this.#newClientId(), seq: 0 };
    c.seq++;
    let released = false;
    return {
      session: { client: c.client, seq: c.seq },
      release: () => {
        if (released) return;
        released = true;
        this.#idle.push(c);
      },
    };
  }
}

export function randomClientId(): number {
  return randomInt(1, 2 ** 48);
}
