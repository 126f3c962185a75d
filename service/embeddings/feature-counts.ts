/**
 * Counts features of one text, keyed by their 32-bit hash and told apart by name, in order of
 * first appearance. A feature's name is `first` alone, or the pair `first` `second` (callers make
 * the two kinds unable to compare equal). Open addressing over typed arrays that are reused from
 * text to text: counting a text allocates nothing once the table has grown to its size. Not
 * reentrant: one text at a time (embedding is synchronous).
 */
export class FeatureCounts {
  /** Per table slot: 1 + the feature's position, or 0 for empty (valid when stamped). */
  #slots = new Int32Array(1024);
  #stamps = new Uint32Array(1024);
  #stamp = 0;
  #firsts: string[] = [];
  #seconds: string[] = [];
  #hashes = new Uint32Array(512);
  #weights = new Float64Array(512);
  #counts = new Int32Array(512);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  hash(i: number): number {
    return this.#hashes[i] as number;
  }

  weight(i: number): number {
    return this.#weights[i] as number;
  }

  count(i: number): number {
    return this.#counts[i] as number;
  }

  /** Empties the table for the next text. */
  reset(): void {
    this.#size = 0;
    this.#stamp = (this.#stamp + 1) >>> 0;
    if (this.#stamp === 0) {
      this.#stamps.fill(0);
      this.#stamp = 1;
    }
  }

  add(first: string, second: string, hash: number, weight: number): void {
    const mask = this.#slots.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      if (this.#stamps[at] !== this.#stamp) {
        this.#insert(at, first, second, hash, weight);
        return;
      }
      const i = (this.#slots[at] as number) - 1;
      if (this.#hashes[i] === hash && this.#firsts[i] === first && this.#seconds[i] === second) {
        this.#counts[i] = (this.#counts[i] as number) + 1;
        return;
      }
    }
  }

  #insert(at: number, first: string, second: string, hash: number, weight: number): void {
    const i = this.#size++;
    if (i === this.#hashes.length) this.#growFeatures();
    this.#firsts[i] = first;
    this.#seconds[i] = second;
    this.#hashes[i] = hash;
    this.#weights[i] = weight;
    this.#counts[i] = 1;
    this.#stamps[at] = this.#stamp;
    this.#slots[at] = i + 1;
    // At most half full, so probes stay short.
    if (this.#size * 2 > this.#slots.length) this.#growSlots();
  }

  #growFeatures(): void {
    const grow = <T extends Uint32Array | Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    const length = this.#hashes.length * 2;
    this.#hashes = grow(this.#hashes, new Uint32Array(length));
    this.#weights = grow(this.#weights, new Float64Array(length));
    this.#counts = grow(this.#counts, new Int32Array(length));
  }

  #growSlots(): void {
    const length = this.#slots.length * 2;
    this.#slots = new Int32Array(length);
    this.#stamps = new Uint32Array(length);
    const mask = length - 1;
    for (let i = 0; i < this.#size; i++) {
      let at = (this.#hashes[i] as number) & mask;
      while (this.#stamps[at] === this.#stamp) at = (at + 1) & mask;
      this.#stamps[at] = this.#stamp;
      this.#slots[at] = i + 1;
    }
  }
}
