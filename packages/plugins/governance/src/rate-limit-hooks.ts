import { GatewayError, budgetSubjects, type GatewayContext, type HookMap, type Principal, type RateLimitAdmission, type RateLimitCheck, type RateLimitState, type RateLimitStore, type RefusingLevel } from '@tollgate/core';
import type { GovernanceOptions } from './governance-options.js';
import { endUserOf } from './end-user-of.js';
import { createHoldIds } from './hold-ids.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';

/** One configured limit: on every subject of a scope, or on one subject when `id` is given. */
type RateLimitRule = GovernanceOptions['rateLimits'][number];

/** Who a limit belongs to: a key, user, team, org or model (the level a refusal names). */
type LimitOwner = RefusingLevel;

declare module '@tollgate/core' {
  interface ContextVariableMap {
    /** The request's admission: its slot id in the store and the checks it was counted against. */
    rateLimitSlot: { readonly id: string; readonly checks: readonly RateLimitCheck[] };
  }
}

const kinds = [
  ['rpm', 'requests', 'requests per minute'],
  ['tpm', 'tokens', 'tokens per minute'],
  ['parallel', 'parallel', 'requests at once'],
] as const;

/** `6m0s`, `1s`, `250ms`: OpenAI's format of `x-ratelimit-reset-*`. */
function resetText(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = Math.ceil(ms / 1_000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** OpenAI's `x-ratelimit-*` header names for each kind of limit, spelled out once (not built per request). */
const headerNames = [
  { kind: 'requests', limit: 'x-ratelimit-limit-requests', remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests' },
  { kind: 'tokens', limit: 'x-ratelimit-limit-tokens', remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens' },
] as const;

function setHeaders(context: GatewayContext, states: readonly RateLimitState[]): void {
  for (const names of headerNames) {
    let tightest: RateLimitState | undefined;
    for (const state of states) if (state.check.kind === names.kind && (tightest === undefined || state.remaining < tightest.remaining)) tightest = state;
    if (tightest === undefined) continue;
    context.setResponseHeader(names.limit, String(tightest.check.limit));
    context.setResponseHeader(names.remaining, String(tightest.remaining));
    context.setResponseHeader(names.reset, resetText(tightest.resetMs));
  }
}

/** A request's checks, and the subject each belongs to (its refusal message is built only when refused). */
interface RequestChecks {
  readonly checks: readonly RateLimitCheck[];
  readonly owners: readonly LimitOwner[];
}

/** Models whose checks are remembered per principal; past it, that principal's start over (wildcard routes). */
const maxCachedModels = 1_000;
/** End users whose checks are remembered; past it the memory starts over (any client can name any end user). */
const maxCachedEndUsers = 10_000;


/** The two halves of rate limiting: admission before the request is answered, release once it ended. */
export interface RateLimitHooks {
  readonly acquire: (context: GatewayContext) => void | Promise<void>;
  readonly release: HookMap['log'];
}

/**
 * The rate-limit hooks: `acquire` admits a request against the limits of its key, user, team, org,
 * model and end user (`rpm`, `tpm`, `parallel`), `release` counts its tokens and frees its parallel slot once
 * it ended (it runs in the `log` phase, which every request reaches — cache hits included). A rule
 * with an `id` replaces the scope's general rule for that subject. The master key is not limited.
 * Adds OpenAI's `x-ratelimit-*` headers. With the in-memory store both run synchronously: no promise
 * and no microtask turn per request.
 */
export function createRateLimitHooks(store: RateLimitStore, options: GovernanceOptions): RateLimitHooks {
  const general = new Map<string, RateLimitRule>();
  const specific = new Map<string, RateLimitRule>();
  for (const rule of options.rateLimits) {
    if (rule.id === undefined) general.set(rule.scope, rule);
    else specific.set(`${rule.scope}:${rule.id}`, rule);
  }

  /**
   * Each principal's checks by model, built once: a key calls the same few models, and the checks'
   * keys are strings a store hashes (building them afresh per request cost ~1 % of a governed request).
   * Auth hooks hand out one principal object per key (config keys; virtual keys while cached).
   */
  const cache = new WeakMap<Principal, Map<string, RequestChecks>>();

  function checksOf(principal: Principal, model: string): RequestChecks {
    let byModel = cache.get(principal);
    if (byModel === undefined) cache.set(principal, (byModel = new Map()));
    let found = byModel.get(model);
    if (found === undefined) {
      if (byModel.size >= maxCachedModels) byModel.clear();
      byModel.set(model, (found = buildChecks(principal, model)));
    }
    return found;
  }

  function buildChecks(principal: Principal, model: string): RequestChecks {
    const checks: RateLimitCheck[] = [];
    const owners: LimitOwner[] = [];
    const subjects: LimitOwner[] = [...budgetSubjects(principal), { scope: 'model', id: model }];
    for (const subject of subjects) {
      // The key's own limits, or its user's, team's or org's set through the admin API, over the config's rules.
      const own = subject.scope === 'key' ? principal.rateLimits : principal.levelRateLimits?.[subject.scope as 'user' | 'team' | 'org'];
      addChecks(checks, owners, subject, own === undefined ? ruleOf(subject) : { scope: subject.scope as RateLimitRule['scope'], ...own });
    }
    return { checks, owners };
  }

  function ruleOf(subject: LimitOwner): RateLimitRule | undefined {
    return specific.get(`${subject.scope}:${subject.id}`) ?? general.get(subject.scope);
  }

  function addChecks(checks: RateLimitCheck[], owners: LimitOwner[], subject: LimitOwner, rule: RateLimitRule | undefined): void {
    if (rule === undefined) return;
    for (const [option, kind] of kinds) {
      const limit = rule[option];
      if (limit === undefined) continue;
      checks.push({ key: `${subject.scope}:${subject.id}:${kind}`, kind, limit });
      owners.push(subject);
    }
  }

  /** Whether any rule is on end users: only then does a request's `user` add checks. */
  const endUserRules = options.rateLimits.some((rule) => rule.scope === 'end_user');
  /** Each end user's own checks, built once (bounded). */
  const endUserChecks = new Map<string, RequestChecks>();

  /** A request's checks: its principal's and model's, and its end user's when rules are on end users. */
  function requestChecks(context: GatewayContext): RequestChecks {
    const checks = checksOf(context.principal!, context.request.model);
    const endUser = endUserRules ? endUserOf(context.request) : undefined;
    if (endUser === undefined) return checks;
    let own = endUserChecks.get(endUser);
    if (own === undefined) {
      if (endUserChecks.size >= maxCachedEndUsers) endUserChecks.clear();
      const subject: LimitOwner = { scope: 'end_user', id: endUser };
      own = { checks: [], owners: [] };
      addChecks(own.checks as RateLimitCheck[], own.owners as LimitOwner[], subject, ruleOf(subject));
      endUserChecks.set(endUser, own);
    }
    return own.checks.length === 0 ? checks : { checks: [...checks.checks, ...own.checks], owners: [...checks.owners, ...own.owners] };
  }

  const memory = store instanceof MemoryRateLimitStore ? store : undefined;
  const nextSlotId = createHoldIds();

  function acquire(context: GatewayContext): void | Promise<void> {
    const principal = context.principal!;
    if (principal.isMaster || (options.rateLimits.length === 0 && principal.rateLimits === undefined && principal.levelRateLimits === undefined)) return;
    const { checks, owners } = requestChecks(context);
    if (checks.length === 0) return;
    const slotId = nextSlotId();
    if (memory !== undefined) return admit(context, slotId, checks, owners, memory.acquireNow(slotId, checks, options.reservationTtlMs));
    return store.acquire(slotId, checks, options.reservationTtlMs).then((admission) => admit(context, slotId, checks, owners, admission));
  }

  /** Records an admission on the request (its slot, checks, headers), or throws its refusal (429). */
  function admit(context: GatewayContext, slotId: string, checks: readonly RateLimitCheck[], owners: readonly LimitOwner[], admission: RateLimitAdmission): void {
    if (!admission.ok) {
      // OpenAI's headers on its 429 too: the refusing limit, none left, and when the next request may go.
      const names = headerNames.find((candidate) => candidate.kind === admission.check.kind);
      if (names !== undefined) {
        context.setResponseHeader(names.limit, String(admission.check.limit));
        context.setResponseHeader(names.remaining, '0');
        context.setResponseHeader(names.reset, resetText(admission.retryAfterMs));
      }
      const owner = owners[checks.indexOf(admission.check)];
      const unit = kinds.find(([, kind]) => kind === admission.check.kind)![2];
      const label = owner === undefined ? `A limit of ${admission.check.limit} ${unit}` : `The ${owner.scope === 'end_user' ? 'end user' : owner.scope} "${owner.id}" is limited to ${admission.check.limit} ${unit}`;
      throw new GatewayError('TOLLGATE_RATE_LIMIT_EXCEEDED', `${label}; retry in ${resetText(admission.retryAfterMs)}.`, { retryAfterMs: Math.max(1, admission.retryAfterMs), ...(owner === undefined ? {} : { refusedBy: owner }) });
    }
    context.set('rateLimitSlot', { id: slotId, checks });
    setHeaders(context, admission.states);
  }

  function release(context: GatewayContext): void | Promise<void> {
    const slot = context.get('rateLimitSlot');
    if (slot === undefined) return;
    if (memory !== undefined) return memory.releaseNow(slot.id, slot.checks, context.usage?.total_tokens ?? 0);
    return store.release(slot.id, slot.checks, context.usage?.total_tokens ?? 0);
  }

  return { acquire, release };
}
