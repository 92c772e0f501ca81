import type { BatchOp } from './engine.ts';

/** Throws for an op that is not a put/del/delRange over Uint8Arrays, so a bad batch writes nothing. */
export function validateOp(op: BatchOp): void {
  const bad = (x: unknown) => !(x instanceof Uint8Array);
  if (op === null || typeof op !== 'object') throw new TypeError('invalid op');
  if (op.type === 'put' ? bad(op.key) || bad(op.value) : op.type === 'del' ? bad(op.key) : op.type === 'delRange' ? bad(op.start) || bad(op.end) : true) {
    throw new TypeError(`invalid ${String((op as { type?: unknown }).type)} op: keys and values must be Uint8Array`);
  }
}
