import type { RateLimitAdmission, RateLimitCheck, RateLimitState, RateLimitStore } from '@tollgate/core';

const minute = 60_000;

/**
 * Rate-limit counters in this process's memory: right for one instance (several instances each
 * count alone; use `@tollgate/limits-redis` for shared limits). `requests` and `tokens` are GCRA
 * cells over one minute (one number per key: the theoretical arrival time); `parallel` slots are
 * request ids with an expiry. Admission is synchronous, hence atomic across the checks; the governance
 * hooks call {@link MemoryRateLimitStore.acquireNow} and {@link MemoryRateLimitStore.releaseNow}
 * directly, without a promise.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  /** key → theoretical arrival time (epoch ms) of `requests` and `tokens` cells. */
  readonly #cells = new Map<string, number>();
  /** key → request id → slot expiry (epoch ms). */
  readonly #slots = new Map<string, Map<string, number>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async acquire(requestId: string, checks: readonly RateLimitCheck[], slotTtlMs: number): Promise<RateLimitAdmission> {
    return this.acquireNow(requestId, checks, slotTtlMs);
  }

  async release(requestId: string, checks: readonly RateLimitCheck[], tokens: number): Promise<void> {
    this.releaseNow(requestId, checks, tokens);
  }

  /** {@link MemoryRateLimitStore.acquire}, answered at once. */
  acquireNow(requestId: string, checks: readonly RateLimitCheck[], slotTtlMs: number): RateLimitAdmission {
    const now = this.#now();
    const states: RateLimitState[] = [];
    const next: number[] = [];
    for (const check of checks) {
      if (check.kind === 'parallel') {
        const slots = this.#slotsOf(check.key);
        // Slots that lapsed (their request never released them) only matter at the limit: drop them then,
        // rather than walk every request in flight on every admission.
        if (slots.size >= check.limit) this.#dropLapsed(slots, now);
        if (slots.size >= check.limit) {
          const soonest = Math.min(...slots.values());
          return { ok: false, check, retryAfterMs: Math.max(0, soonest - now) };
        }
        states.push({ check, remaining: check.limit - slots.size - 1, resetMs: 0 });
        next.push(0);
        continue;
      }
      const interval = minute / check.limit;
      const tat = Math.max(this.#cells.get(check.key) ?? now, now);
      const cost = check.kind === 'requests' ? interval : 0;
      const newTat = tat + cost;
      // A `tokens` cell admits while any of the minute is left; a `requests` cell while the new one fits.
      const full = check.kind === 'requests' ? newTat - now > minute : tat - now >= minute;
      if (full) return { ok: false, check, retryAfterMs: Math.ceil(newTat - now - minute + (check.kind === 'tokens' ? interval : 0)) };
      states.push({ check, remaining: Math.max(0, Math.floor((minute - (newTat - now)) / interval)), resetMs: Math.ceil(newTat - now) });
      next.push(newTat);
    }
    checks.forEach((check, index) => {
      if (check.kind === 'parallel') this.#slotsOf(check.key).set(requestId, now + slotTtlMs);
      else this.#cells.set(check.key, next[index]!);
    });
    return { ok: true, states };
  }

  /** {@link MemoryRateLimitStore.release}, done at once. */
  releaseNow(requestId: string, checks: readonly RateLimitCheck[], tokens: number): void {
    const now = this.#now();
    for (const check of checks) {
      if (check.kind === 'parallel') this.#slots.get(check.key)?.delete(requestId);
      else if (check.kind === 'tokens' && tokens > 0) this.#cells.set(check.key, Math.max(this.#cells.get(check.key) ?? now, now) + (tokens * minute) / check.limit);
    }
    this.#sweep(now);
  }

  #slotsOf(key: string): Map<string, number> {
    let slots = this.#slots.get(key);
    if (slots === undefined) this.#slots.set(key, (slots = new Map()));
    return slots;
  }

  #dropLapsed(slots: Map<string, number>, now: number): void {
    for (const [id, expiresAt] of slots) if (expiresAt <= now) slots.delete(id);
  }

  /** Forgets cells that are back to full and empty slot sets, so memory follows the active keys only. */
  #sweep(now: number): void {
    if (this.#cells.size < 10_000) return;
    for (const [key, tat] of this.#cells) if (tat <= now) this.#cells.delete(key);
    for (const [key, slots] of this.#slots) if (slots.size === 0) this.#slots.delete(key);
  }
}
