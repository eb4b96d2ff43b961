/**
 * One block's visibility periods, as parallel Float64Arrays of MJD values.
 * Reused for every block of a run, so parsing allocates nothing per period;
 * it grows by doubling and never shrinks.
 */
export class PeriodBuffer {
  starts: Float64Array;
  stops: Float64Array;
  length = 0;

  constructor(initialCapacity = 256) {
    this.starts = new Float64Array(initialCapacity);
    this.stops = new Float64Array(initialCapacity);
  }

  clear(): void {
    this.length = 0;
  }

  push(start: number, stop: number): void {
    if (this.length === this.starts.length) this.grow();
    this.starts[this.length] = start;
    this.stops[this.length] = stop;
    this.length++;
  }

  private grow(): void {
    const starts = new Float64Array(this.starts.length * 2);
    const stops = new Float64Array(this.stops.length * 2);
    starts.set(this.starts);
    stops.set(this.stops);
    this.starts = starts;
    this.stops = stops;
  }
}
