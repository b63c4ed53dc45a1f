/** Weight of the newest sample in the moving average of time to first byte. */
const smoothing = 0.2;

/**
 * Targets tracked at most. Wildcard routes let clients name models, so the number of target ids is
 * theirs to grow: past this bound the least recently used idle entry is forgotten.
 */
export const maxTrackedTargets = 10_000;

interface Stats {
  inFlight: number;
  latencyMs: number | undefined;
  /** When it was last used, in uses of the whole table (for eviction). */
  lastUsed: number;
}

/**
 * Per-target load and latency, for the `least-busy` and `least-latency` strategies: requests in
 * flight, and an exponentially weighted moving average of time to first byte. Per instance.
 */
export class TargetStats {
  readonly #stats = new Map<string, Stats>();
  #uses = 0;

  #get(id: string): Stats {
    let stats = this.#stats.get(id);
    if (stats === undefined) {
      if (this.#stats.size >= maxTrackedTargets) this.#evictOne();
      stats = { inFlight: 0, latencyMs: undefined, lastUsed: 0 };
      this.#stats.set(id, stats);
    }
    // A use count, not the map's order: moving an entry to the end (delete, set) on every use made
    // V8 rebuild the small map's table every few requests.
    stats.lastUsed = ++this.#uses;
    return stats;
  }

  /** Forgets the least recently used target with nothing in flight (a walk, only past the bound). */
  #evictOne(): void {
    let oldest: [string, Stats] | undefined;
    for (const entry of this.#stats) {
      if (entry[1].inFlight === 0 && (oldest === undefined || entry[1].lastUsed < oldest[1].lastUsed)) oldest = entry;
    }
    if (oldest !== undefined) this.#stats.delete(oldest[0]);
  }

  /** How many targets are tracked. */
  get size(): number {
    return this.#stats.size;
  }

  started(id: string): void {
    this.#get(id).inFlight += 1;
  }

  finished(id: string): void {
    this.#get(id).inFlight -= 1;
  }

  /** Records a time to first byte. */
  recordLatency(id: string, milliseconds: number): void {
    const stats = this.#get(id);
    stats.latencyMs = stats.latencyMs === undefined ? milliseconds : stats.latencyMs + smoothing * (milliseconds - stats.latencyMs);
  }

  inFlight(id: string): number {
    return this.#stats.get(id)?.inFlight ?? 0;
  }

  /** The moving average of time to first byte, or undefined before the first sample. */
  latency(id: string): number | undefined {
    return this.#stats.get(id)?.latencyMs;
  }
}
