/** Weight of the newest sample in the moving average of time to first byte. */
const smoothing = 0.2;

/**
 * Targets tracked at most. Wildcard routes let clients name models, so the number of target ids is
 * theirs to grow: at this bound the least recently used tenth of the idle entries is forgotten.
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
      if (this.#stats.size >= maxTrackedTargets) this.#evictLeastRecentlyUsed();
      stats = { inFlight: 0, latencyMs: undefined, lastUsed: 0 };
      this.#stats.set(id, stats);
    }
    // A use count, not the map's order: moving an entry to the end (delete, set) on every use made
    // V8 rebuild the small map's table every few requests.
    stats.lastUsed = ++this.#uses;
    return stats;
  }

  /**
   * Forgets the tenth of the bound's targets used longest ago among those with nothing in flight: one
   * sort per thousand new targets past the bound, not a walk per new target.
   */
  #evictLeastRecentlyUsed(): void {
    const idle = [...this.#stats].filter(([, stats]) => stats.inFlight === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [id] of idle.slice(0, Math.ceil(maxTrackedTargets / 10))) this.#stats.delete(id);
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
