import { createServiceToken } from '../services/service-token.js';

/**
 * The levels a budget can be set on: a key, the user, team and org it belongs to, an end user — the
 * `user` a request names (OpenAI's `user`, a Messages request's `metadata.user_id`), whichever key
 * sends it — a tag, which binds every request carrying it (a key's own tags, or the client's
 * `x-tollgate-tags`), whichever key sends it, and a model, the name clients call it by, whichever key
 * calls it.
 */
export type BudgetScope = 'key' | 'user' | 'team' | 'org' | 'end_user' | 'tag' | 'model';

/** One budget level of a request: the scope and the id of the key, user, team or org, the end user's name, the tag, or the model. */
export interface BudgetSubject {
  readonly scope: BudgetScope;
  readonly id: string;
}

/** How often a budget's spend starts again from zero (UTC calendar periods). */
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly' | 'none';

/** A budget and where it stands, amounts in integer micro-dollars. */
export interface Budget extends BudgetSubject {
  readonly limitMicros: number;
  readonly period: BudgetPeriod;
  /** Settled spend in the current period. */
  readonly spentMicros: number;
  /** Held by requests in flight (live reservations). */
  readonly reservedMicros: number;
  /** Epoch milliseconds when the current period started. */
  readonly periodStartedAt: number;
  /** Epoch milliseconds when spend starts again from zero; undefined for `none`. */
  readonly resetsAt: number | undefined;
}

/** The outcome of a reservation: held on every level, or refused naming the first level that lacks room. */
export type ReserveOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly budget: Budget; readonly availableMicros: number };

/** A reservation to hold: on every subject that has a budget, all or nothing. */
export interface ReservationRequest {
  /** Unique per request (the request id). */
  readonly id: string;
  readonly subjects: readonly BudgetSubject[];
  readonly amountMicros: number;
  /** Epoch milliseconds after which the hold lapses, so a crashed instance cannot keep a budget. */
  readonly expiresAt: number;
  /** Epoch milliseconds now (from the gateway's clock). */
  readonly now: number;
}

/**
 * Hard budgets. `reserve` atomically holds `amountMicros` on every budgeted subject (or none of them)
 * so concurrent requests across instances can never overspend; `settle` charges the actual cost and
 * releases the hold. Lapsed holds are released by the store before a reservation is judged.
 */
export interface BudgetStore {
  reserve(request: ReservationRequest): Promise<ReserveOutcome>;
  /**
   * Releases the reservation's hold (if it has not lapsed) and charges `costMicros` to every subject
   * that has a budget — also when the hold lapsed, so spend is never lost. Called once per reservation.
   * Returns those budgets as the settlement left them (alerts compare them with their limits).
   */
  settle(reservationId: string, subjects: readonly BudgetSubject[], costMicros: number, now: number): Promise<readonly Budget[]>;
  /** Creates or changes a budget; spend so far is kept. */
  setBudget(subject: BudgetSubject, limitMicros: number, period: BudgetPeriod, now: number): Promise<Budget>;
  removeBudget(subject: BudgetSubject): Promise<boolean>;
  /** The budgets of these subjects that exist, in their current period. */
  getBudgets(subjects: readonly BudgetSubject[], now: number): Promise<Budget[]>;
  /** Every budget, in its current period (`GET /admin/budgets`); where the store can list them. */
  listBudgets?(now: number): Promise<Budget[]>;
  /** Holds not yet settled (lapsed ones included until the store releases them). */
  countReservations(): Promise<number>;
}

/** Service token of the budget store. */
export const BudgetStore = createServiceToken<BudgetStore>('BudgetStore');
