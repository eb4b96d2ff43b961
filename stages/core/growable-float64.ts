/**
 * A Float64Array column that grows by doubling, so recording a value
 * allocates nothing except on the rare grow.
 */
export class GrowableFloat64 {
  private data: Float64Array;
  length = 0;

  /** @param initialCapacity slots allocated up front (default 1024). */
  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(1, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** The used part, without copying; valid until the next `push`. */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}
