import { GatewayError, isConfigKeyId, type Clock, type Directory, type HookMap, type Principal } from '@tollgate/core';
import { levelLimits, levelsOf } from './level-limits.js';

/**
 * A `route` hook giving a config key that belongs to a user, team or org the models and rate limits
 * the directory holds for them (the config's `teams`, or the admin API's), before its model is
 * checked and its limits counted, as virtual keys get them when they are looked up. Remembered for
 * `cacheMs` per key; a request whose key has no such level costs one check.
 */
export function createConfigKeyLevels(directory: Directory, clock: Clock, cacheMs: number): HookMap['route'] {
  /** Each config key's principal with its levels' limits, by the principal auth gave (one object per key). */
  const limitedPrincipals = new WeakMap<Principal, { readonly principal: Principal; readonly until: number }>();

  async function limit(context: Parameters<HookMap['route']>[0], principal: Principal): Promise<void> {
    let levels;
    try {
      levels = await levelsOf(principal, directory);
    } catch (error) {
      throw new GatewayError('TOLLGATE_GOVERNANCE_STORE_UNAVAILABLE', 'The limits of this key\'s team cannot be checked right now (their store is unreachable); retry shortly.', { retryAfterMs: 1_000, cause: error });
    }
    const limited = levels.length === 0 ? principal : { ...principal, ...levelLimits(levels) };
    if (cacheMs > 0) limitedPrincipals.set(principal, { principal: limited, until: clock.now() + cacheMs });
    context.principal = limited;
  }

  return function configKeyLevels(context) {
    const principal = context.principal;
    // Virtual keys got their levels when they were looked up; the master key has none.
    if (principal === undefined || !isConfigKeyId(principal.keyId) || (principal.userId === undefined && principal.teamId === undefined && principal.orgId === undefined)) return;
    const cached = limitedPrincipals.get(principal);
    if (cached !== undefined && cached.until > clock.now()) {
      context.principal = cached.principal;
      return;
    }
    return limit(context, principal);
  };
}
