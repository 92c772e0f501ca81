/**
 * A linearizability checker for a key-value store of registers (one register per key), in the style of
 * Wing & Gong / Lowe's search with memoization, as porcupine does it:
 *
 * - The history is partitioned by key (a register per key is independent: a history is linearizable iff
 *   each key's sub-history is, P-compositionality).
 * - Per key, events (calls and returns) are kept in a doubly linked list in time order. The search walks
 *   it: at a call, it tries to linearize that op now (the register model must accept it); if the pair
 *   (set of linearized ops, register value) was not seen before, the op is lifted out of the list and
 *   pushed on a stack; at a return whose op is not linearized yet, no order works from here: pop the last
 *   op, put it back, and try the next call after it. An empty stack there means not linearizable.
 * - Ops with an unknown outcome (a write that may or may not have applied) return at infinity: they may
 *   linearize anywhere after their call, including after everything (which is the same as never).
 *   Writes known to have failed must be left out of the history.
 *
 * Times are any totally ordered numbers (a logical clock of one process is exact).
 */

export type Op =
  | { readonly kind: 'put'; readonly key: string; readonly value: string; readonly call: number; readonly ret: number; readonly client?: number }
  | { readonly kind: 'get'; readonly key: string; readonly value: string | null; readonly call: number; readonly ret: number; readonly client?: number };

export interface CheckResult {
  readonly ok: boolean;
  /** Keys whose sub-history is not linearizable. */
  readonly badKeys: readonly string[];
  /** For the first bad key: the ops (in call order) and the longest prefix order found. */
  readonly detail?: { readonly key: string; readonly ops: readonly Op[]; readonly longest: readonly Op[] };
}

/** Checks `history` against registers initially `null`. */
export function checkLinearizable(history: readonly Op[]): CheckResult {
  const byKey = new Map<string, Op[]>();
  for (const op of history) {
    if (!(op.ret >= op.call)) throw new Error(`op returns before it is called: ${JSON.stringify(op)}`);
    let l = byKey.get(op.key);
    if (!l) byKey.set(op.key, (l = []));
    l.push(op);
  }
  const badKeys: string[] = [];
  let detail: CheckResult['detail'];
  for (const [key, ops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const r = checkRegister(ops);
    if (!r.ok) {
      badKeys.push(key);
      detail ??= { key, ops: [...ops].sort((a, b) => a.call - b.call), longest: r.longest };
    }
  }
  return { ok: badKeys.length === 0, badKeys, ...(detail ? { detail } : {}) };
}

interface Node {
  readonly op: number;
  readonly isCall: boolean;
  readonly time: number;
  /** For a call: its return node. */
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

/** One register's history: WGL search with a memo of (linearized set, value). */
function checkRegister(ops: readonly Op[]): { ok: boolean; longest: Op[] } {
  const n = ops.length;
  // Events in time order; at equal times calls go after returns (an op that returned at t precedes one
  // called at t only if the clock says so: a logical clock never gives two events the same time).
  const events: Node[] = [];
  ops.forEach((op, i) => {
    const call: Node = { op: i, isCall: true, time: op.call, match: null, prev: null, next: null };
    const ret: Node = { op: i, isCall: false, time: op.ret, match: null, prev: null, next: null };
    call.match = ret;
    events.push(call, ret);
  });
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? 1 : -1));
  const head: Node = { op: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let prev = head;
  for (const e of events) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }

  const lift = (call: Node) => {
    call.prev!.next = call.next;
    if (call.next) call.next.prev = call.prev;
    const ret = call.match!;
    ret.prev!.next = ret.next;
    if (ret.next) ret.next.prev = ret.prev;
  };
  const unlift = (call: Node) => {
    const ret = call.match!;
    ret.prev!.next = ret;
    if (ret.next) ret.next.prev = ret;
    call.prev!.next = call;
    if (call.next) call.next.prev = call;
  };

  const words = Math.ceil(n / 32) || 1;
  const linearized = new Uint32Array(words);
  const seen = new Set<string>();
  const stateKey = (value: string | null) => `${Array.from(linearized).join(',')}|${value === null ? '\u0000' : `=${value}`}`;

  let state: string | null = null;
  const stack: Array<{ call: Node; before: string | null }> = [];
  let longest: Op[] = [];
  let entry = head.next;
  while (head.next !== null) {
    if (entry === null) throw new Error('checker: ran off the end of the history');
    if (entry.isCall) {
      const op = ops[entry.op]!;
      let ok: boolean;
      let after: string | null = state;
      if (op.kind === 'put') {
        ok = true;
        after = op.value;
      } else ok = op.value === state;
      if (ok) {
        linearized[entry.op >> 5]! |= 1 << (entry.op & 31);
        const k = stateKey(after);
        if (!seen.has(k)) {
          seen.add(k);
          stack.push({ call: entry, before: state });
          state = after;
          lift(entry);
          if (stack.length > longest.length) longest = stack.map((s) => ops[s.call.op]!);
          entry = head.next;
          continue;
        }
        linearized[entry.op >> 5]! &= ~(1 << (entry.op & 31));
      }
      entry = entry.next;
    } else {
      // A return of an op not linearized yet: backtrack.
      const top = stack.pop();
      if (!top) return { ok: false, longest };
      state = top.before;
      linearized[top.call.op >> 5]! &= ~(1 << (top.call.op & 31));
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return { ok: true, longest };
}

/** A history being recorded: a logical clock orders every call and return of one process exactly. */
export class HistoryRecorder {
  readonly ops: Op[] = [];
  #clock = 0;

  /** The time of a call; pass it to `put`/`get` when the op returns. */
  call(): number {
    return ++this.#clock;
  }

  /** A put that committed (`ret` now) or whose outcome is unknown (`ret` infinity). Leave out failed puts. */
  put(client: number, key: string, value: string, call: number, outcome: 'committed' | 'unknown'): void {
    this.ops.push({ kind: 'put', client, key, value, call, ret: outcome === 'committed' ? ++this.#clock : Infinity });
  }

  /** A read that returned `value` (null: the key was absent). Leave out reads that failed. */
  get(client: number, key: string, value: string | null, call: number): void {
    this.ops.push({ kind: 'get', client, key, value, call, ret: ++this.#clock });
  }
}
