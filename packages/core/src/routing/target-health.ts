import type { Clock } from '../services/clock.js';
import type { CoolingTarget } from '../services/target-circuits.js';
import { parseTargetReference } from './parse-target-reference.js';
import type { CooldownPolicy } from './route-policy.js';

interface Health {
  consecutiveFailures: number;
  /** Epoch ms until which the target is skipped; 0 when closed. */
  openUntil: number;
  /** A probe request is in flight (half-open). */
  probing: boolean;
}

/** Circuits kept at most; past this bound the oldest closed (healthy) one is forgotten. */
const maxTrackedCircuits = 10_000;

/** Whether a target may take a request now: yes, as the single probe of a half-open circuit, or no. */
export type Admission = 'closed' | 'probe' | 'open';

/**
 * A circuit breaker per target: after `failures` consecutive retryable failures the target is skipped
 * for `cooldownMs`, then half-open: exactly one probe request goes through; its success closes the
 * circuit, its failure opens it again. State is per gateway instance.
 */
export class TargetHealth {
  readonly #clock: Clock;
  readonly #health = new Map<string, Health>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Asks to send a request to a target; a `probe` admission must be followed by a success or failure. */
  admit(id: string): Admission {
    const health = this.#health.get(id);
    if (health === undefined || health.openUntil === 0) return 'closed';
    if (this.#clock.now() < health.openUntil || health.probing) return 'open';
    health.probing = true;
    return 'probe';
  }

  /** When an open target will take its probe (epoch ms), or undefined when closed. */
  reopensAt(id: string): number | undefined {
    const health = this.#health.get(id);
    return health === undefined || health.openUntil === 0 ? undefined : health.openUntil;
  }

  recordSuccess(id: string): void {
    // A healthy target needs no state at all: forgetting it keeps the map to the failing few.
    this.#health.delete(id);
  }

  /** Records a retryable failure; opens the circuit once the policy's count is reached. */
  recordFailure(id: string, policy: CooldownPolicy): void {
    if (policy === false) return;
    let health = this.#health.get(id);
    if (health === undefined) {
      if (this.#health.size >= maxTrackedCircuits) this.#forgetOneClosed();
      health = { consecutiveFailures: 0, openUntil: 0, probing: false };
      this.#health.set(id, health);
    }
    health.consecutiveFailures += 1;
    if (health.probing || health.consecutiveFailures >= policy.failures) {
      health.openUntil = this.#clock.now() + policy.cooldownMs;
      health.probing = false;
    }
  }

  /** Forgets the oldest closed circuit (an open one must stay open). */
  #forgetOneClosed(): void {
    for (const [id, health] of this.#health) {
      if (health.openUntil === 0) {
        this.#health.delete(id);
        return;
      }
    }
  }

  /** The targets whose circuit is open or half-open. */
  coolingTargets(): CoolingTarget[] {
    const now = this.#clock.now();
    const cooling: CoolingTarget[] = [];
    for (const [id, health] of this.#health) {
      if (health.openUntil === 0) continue;
      cooling.push({ target: id, provider: parseTargetReference(id).provider, state: now < health.openUntil ? 'open' : 'half-open', reopensAt: health.openUntil });
    }
    return cooling;
  }

  /** How many circuits are tracked. */
  get size(): number {
    return this.#health.size;
  }

  /** Ends a probe that neither succeeded nor failed upstream (the client left); the next may probe. */
  releaseProbe(id: string): void {
    const health = this.#health.get(id);
    if (health !== undefined) health.probing = false;
  }
}
