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
}

/**
 * Per-target load and latency, for the `least-busy` and `least-latency` strategies: requests in
 * flight, and an exponentially weighted moving average of time to first byte. Per instance.
 */
export class TargetStats {
  readonly #stats = new Map<string, Stats>();

  #get(id: string): Stats {
    let stats = this.#stats.get(id);
    if (stats === undefined) {
      stats = { inFlight: 0, latencyMs: undefined };
      if (this.#stats.size >= maxTrackedTargets) this.#evictOne();
    } else {
      this.#stats.delete(id); // re-inserted below: the map's order is least recently used first
    }
    this.#stats.set(id, stats);
    return stats;
  }

  /** Forgets the least recently used target with nothing in flight. */
  #evictOne(): void {
    for (const [id, stats] of this.#stats) {
      if (stats.inFlight === 0) {
        this.#stats.delete(id);
        return;
      }
    }
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
