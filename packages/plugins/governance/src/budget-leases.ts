import { randomUUID } from 'node:crypto';
import type { Budget, BudgetStore, BudgetSubject, Clock, Logger, ReservationRequest, ReserveOutcome } from '@tollgate/core';
import { settleWithRetries } from './settle-with-retries.js';

/** How budget leases are sized and kept. */
export interface BudgetLeaseOptions {
  /** A lease holds this many times the worst case of the request that takes it. */
  readonly requests: number;
  /** How long a hold lives when its instance dies (`reservationTtlMs`): a lease too; it is renewed at half of it. */
  readonly reservationTtlMs: number;
}

/** A lease whose requests have all ended is returned after this long without a new one. */
const idleMs = 1_000;
/**
 * A lease in use is renewed this often: its charges reach the budget's spend, and a budget created,
 * raised or lowered meanwhile (on any instance) is judged again.
 */
const renewMs = 1_000;
/**
 * A lease that ran out sooner than this after it was taken is renewed twice as large (up to
 * {@link maxGrowth} times its base size), so a busy key renews a few times a second, not per 32 requests.
 */
const quickRenewalMs = 250;
const maxGrowth = 32;
/** After a lease was refused (the budget is near its limit), requests of that key hold on their own for this long. */
const pausedMs = 1_000;

/** One hold in the store that this instance's requests draw on. */
interface Lease {
  /** The store's reservation id (`lease-…`); a renewal changes it. */
  id: string;
  readonly subjects: readonly BudgetSubject[];
  /** Held in the store on every subject. */
  holdMicros: number;
  /** The worst cases of the requests in flight that drew on it. */
  inflightMicros: number;
  /** The costs of its settled requests, not yet in the budget's spend: charged when the lease is settled. */
  chargedMicros: number;
  /** The part of the hold meant for new requests when it was taken (what a renewal asks for again). */
  sizeMicros: number;
  takenAt: number;
  lastUsedAt: number;
  /** Refused a renewal: no new requests; returned once its requests end. */
  retiring: boolean;
  /** Settled in the store: costs of requests still ending are charged on their own. */
  returned: boolean;
}

/** The lease of one set of budget subjects (a key with its user, team and org), and its renewal. */
interface LeaseSlot {
  lease: Lease | undefined;
  /** A renewal or first lease being taken: new requests wait for it. */
  renewing: Promise<void> | undefined;
  /** Until then (a lease was refused), requests hold on their own. */
  pausedUntil: number;
}

/** The space a lease has left for new requests. */
function room(lease: Lease): number {
  return lease.holdMicros - lease.inflightMicros - lease.chargedMicros;
}

/**
 * Budget leases: most reservations judged in memory instead of in a store transaction each. An
 * instance holds, per set of budget subjects, one hold in the store (a reservation like any other,
 * `lease-…`) worth `requests` times a request's worst case (more for a busy key, see
 * {@link quickRenewalMs}), judged against the budget like a request's own; requests draw their worst
 * case on it and, when they end, return it and charge their cost to it. The budget stays hard:
 * everything drawn in flight plus everything charged never exceeds the hold, and the hold was admitted
 * under the store's lock. A lease is renewed (a new hold for its requests in flight plus its size,
 * then the old one settled with the costs charged to it) when it runs out and every second while in
 * use (so spend reaches the budget, and a budget changed on any instance binds it, within about a
 * second); it is returned after a second without requests. When the store refuses a lease the budget
 * is near its limit: the lease retires (returned once its requests end) and for a second requests hold
 * on their own, judged exactly as without leases. Near the limit, another instance's lease keeps up
 * to its unused part from this one until it is returned.
 */
export class BudgetLeases {
  readonly #store: Pick<BudgetStore, 'reserve' | 'settle'>;
  readonly #clock: Clock;
  readonly #options: BudgetLeaseOptions;
  readonly #logger: Logger;
  /** Told of every lease settlement (budget alerts): the budgets as it left them and the cost it charged. */
  readonly #onSettled: (settled: readonly Budget[], costMicros: number) => void;
  /** By the request's budget subjects, joined (see `#slot`). */
  readonly #slots = new Map<string, LeaseSlot>();
  /** The `#slots` key of each subjects array seen: the hooks pass one array per principal. */
  readonly #slotKeys = new WeakMap<readonly BudgetSubject[], string>();
  /** Requests in flight that drew on a lease, by reservation id. */
  readonly #drawn = new Map<string, { readonly lease: Lease; readonly amountMicros: number }>();
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  constructor(store: Pick<BudgetStore, 'reserve' | 'settle'>, clock: Clock, options: BudgetLeaseOptions, onSettled: (settled: readonly Budget[], costMicros: number) => void, logger: Logger) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
    this.#onSettled = onSettled;
    this.#logger = logger;
    this.#sweep = setInterval(() => this.#tend(), 250).unref();
  }

  /**
   * Draws the request's worst case on its lease at once, when the lease has room and is not being
   * renewed: true then (settle it with {@link BudgetLeases.charge} or `settle`); false when the request
   * must go through {@link BudgetLeases.reserve}. The budget hooks' path without a promise.
   */
  draw(request: ReservationRequest): boolean {
    if (this.#closed) return false;
    const slot = this.#slot(request.subjects);
    return slot.renewing === undefined && this.#drawOn(slot.lease, request);
  }

  /** Holds the request's worst case: on its lease when there is room, else on its own in the store. */
  async reserve(request: ReservationRequest): Promise<ReserveOutcome> {
    if (this.#closed) return this.#store.reserve(request);
    const slot = this.#slot(request.subjects);
    for (let round = 0; round < 2; round += 1) {
      if (slot.renewing !== undefined) await slot.renewing;
      const lease = slot.lease;
      if (this.#drawOn(lease, request)) return { ok: true };
      if (slot.renewing !== undefined) continue;
      const now = this.#clock.now();
      if (now < slot.pausedUntil) break;
      const baseMicros = request.amountMicros * this.#options.requests;
      const grown = lease !== undefined && !lease.retiring && now - lease.takenAt < quickRenewalMs ? Math.min(lease.sizeMicros * 2, baseMicros * maxGrowth) : 0;
      await this.#renew(slot, request.subjects, Math.max(baseMicros, grown));
    }
    return this.#store.reserve(request);
  }

  /** Ends a request's hold: on its lease, returns the worst case and charges the cost to it; else settles in the store. */
  async settle(reservationId: string, subjects: readonly BudgetSubject[], costMicros: number, now: number): Promise<readonly Budget[]> {
    if (this.charge(reservationId, subjects, costMicros, now)) return [];
    return this.#store.settle(reservationId, subjects, costMicros, now);
  }

  /**
   * Ends the hold of a request that drew on a lease, at once: returns its worst case and charges its
   * cost to the lease. False when it holds in the store instead (or its lease was returned, at
   * shutdown): settle it there, with `settle`.
   */
  charge(reservationId: string, subjects: readonly BudgetSubject[], costMicros: number, now: number): boolean {
    const drawn = this.#drawn.get(reservationId);
    if (drawn === undefined) return false;
    this.#drawn.delete(reservationId);
    const { lease } = drawn;
    lease.inflightMicros -= drawn.amountMicros;
    // Returned already (shutdown): no lease to carry the cost, so it is charged on its own.
    if (lease.returned) return false;
    lease.chargedMicros += costMicros;
    lease.lastUsedAt = now;
    if (lease.retiring && lease.inflightMicros === 0) {
      // While a renewal runs, it returns the lease when it ends.
      const slot = this.#slot(subjects);
      if (slot.renewing === undefined) void this.#return(slot);
    }
    return true;
  }

  /** Returns every lease, charging what was charged to it; requests still in flight are then settled on their own. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    const settled: Promise<void>[] = [];
    for (const slot of this.#slots.values()) {
      if (slot.renewing !== undefined) await slot.renewing;
      if (slot.lease !== undefined) settled.push(this.#return(slot));
    }
    await Promise.all(settled);
  }

  /** Draws the request's worst case on `lease` if it takes new requests and has room for it. */
  #drawOn(lease: Lease | undefined, request: ReservationRequest): boolean {
    if (lease === undefined || lease.retiring || room(lease) < request.amountMicros) return false;
    lease.inflightMicros += request.amountMicros;
    lease.lastUsedAt = request.now;
    this.#drawn.set(request.id, { lease, amountMicros: request.amountMicros });
    return true;
  }

  #slot(subjects: readonly BudgetSubject[]): LeaseSlot {
    let key = this.#slotKeys.get(subjects);
    if (key === undefined) {
      key = '';
      for (const subject of subjects) key += `${subject.scope}:${subject.id}\n`;
      this.#slotKeys.set(subjects, key);
    }
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = { lease: undefined, renewing: undefined, pausedUntil: 0 };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  /** Takes a lease, or a new hold for the current one (its requests in flight move over). Refused: the current one retires. */
  #renew(slot: LeaseSlot, subjects: readonly BudgetSubject[], sizeMicros: number): Promise<void> {
    const renewal = (async () => {
      const current = slot.lease;
      const now = this.#clock.now();
      const id = `lease-${randomUUID()}`;
      const holdMicros = sizeMicros + (current?.inflightMicros ?? 0);
      const expiresAt = now + this.#options.reservationTtlMs;
      const outcome = await this.#store.reserve({ id, subjects, amountMicros: holdMicros, expiresAt, now }).catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'budget lease not taken: requests hold on their own for a second');
        return undefined;
      });
      if (outcome?.ok !== true) {
        slot.pausedUntil = this.#clock.now() + pausedMs;
        if (current !== undefined) current.retiring = true;
        return;
      }
      if (current === undefined) {
        slot.lease = { id, subjects, holdMicros, inflightMicros: 0, chargedMicros: 0, sizeMicros, takenAt: now, lastUsedAt: now, retiring: false, returned: false };
        return;
      }
      // No request drew on it meanwhile (they wait for the renewal): the new hold covers those in flight.
      const previous = { id: current.id, chargedMicros: current.chargedMicros };
      // A renewal with room for new requests ends a retirement; one for those in flight only does not.
      const forInFlightOnly = sizeMicros === 0;
      Object.assign(current, {
        id,
        holdMicros,
        chargedMicros: 0,
        takenAt: now,
        retiring: current.retiring && forInFlightOnly,
        sizeMicros: forInFlightOnly ? current.sizeMicros : sizeMicros,
      });
      void this.#settleInStore(previous.id, subjects, previous.chargedMicros);
    })();
    slot.renewing = renewal;
    return renewal.finally(() => {
      slot.renewing = undefined;
      if (slot.lease?.retiring === true && slot.lease.inflightMicros === 0) void this.#return(slot);
    });
  }

  /** Settles a lease in the store, charging its costs, and forgets it. */
  #return(slot: LeaseSlot): Promise<void> {
    const lease = slot.lease!;
    slot.lease = undefined;
    lease.returned = true;
    return this.#settleInStore(lease.id, lease.subjects, lease.chargedMicros);
  }

  #settleInStore(id: string, subjects: readonly BudgetSubject[], costMicros: number): Promise<void> {
    return settleWithRetries(this.#store, this.#clock, this.#logger, {
      id,
      subjects,
      costMicros,
      label: 'budget lease settlement',
      fields: { leaseId: id },
      onSettled: (settled) => this.#onSettled(settled, costMicros),
    });
  }

  /**
   * Every 250 ms: returns idle and drained leases, renews those in use every second (a retiring one
   * at half its life, for its requests in flight only), forgets empty slots.
   */
  #tend(): void {
    const now = this.#clock.now();
    const halfLife = this.#options.reservationTtlMs / 2;
    for (const [key, slot] of this.#slots) {
      if (slot.renewing !== undefined) continue;
      const lease = slot.lease;
      if (lease === undefined) {
        if (now >= slot.pausedUntil) this.#slots.delete(key);
      } else if (lease.inflightMicros === 0 && (lease.retiring || now - lease.lastUsedAt >= idleMs)) {
        void this.#return(slot);
      } else if (now - lease.takenAt >= (lease.retiring ? halfLife : Math.min(renewMs, halfLife))) {
        void this.#renew(slot, lease.subjects, lease.retiring ? 0 : lease.sizeMicros);
      }
    }
  }
}
