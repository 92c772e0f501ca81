/**
 * A small seeded PRNG (SplitMix32-style mixing over a 32-bit state, "mulberry32"), so that election
 * timeouts and simulations replay exactly from a seed. Not for cryptography.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A `randomInt` callback for `Config`, bound to this generator. */
  get randomInt(): (n: number) => number {
    return (n) => this.int(n);
  }

  /** An independent generator derived from this one (e.g. one per node). */
  fork(): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4294967296));
  }
}
