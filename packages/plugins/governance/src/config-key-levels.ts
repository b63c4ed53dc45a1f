import { GatewayError, isConfigKeyId, type Clock, type Directory, type Principal, type PrincipalLevels } from '@tollgate/core';
import { levelLimits, levelsOf } from './level-limits.js';

/**
 * The `PrincipalLevels` the engine asks after auth: a config key that belongs to a user, team or org
 * gets the models and rate limits the directory holds for them (the config's `teams`, or the admin
 * API's), as virtual keys get them when they are looked up — for its requests and its `GET /v1/models`
 * alike. Remembered for `cacheMs` per key; a principal without such a level is answered at once.
 */
export function createConfigKeyLevels(directory: Directory, clock: Clock, cacheMs: number): PrincipalLevels {
  /** Each config key's principal with its levels' limits, by the principal auth gave (one object per key). */
  const limitedPrincipals = new WeakMap<Principal, { readonly principal: Principal; readonly until: number }>();

  async function limit(principal: Principal): Promise<Principal> {
    let levels;
    try {
      levels = await levelsOf(principal, directory);
    } catch (error) {
      throw new GatewayError('TOLLGATE_GOVERNANCE_STORE_UNAVAILABLE', 'The limits of this key\'s team cannot be checked right now (their store is unreachable); retry shortly.', { retryAfterMs: 1_000, cause: error });
    }
    const limited = levels.length === 0 ? principal : { ...principal, ...levelLimits(levels) };
    if (cacheMs > 0) limitedPrincipals.set(principal, { principal: limited, until: clock.now() + cacheMs });
    return limited;
  }

  return {
    complete(principal) {
      // Virtual keys got their levels when they were looked up; the master key has none.
      if (!isConfigKeyId(principal.keyId) || (principal.userId === undefined && principal.teamId === undefined && principal.orgId === undefined)) return principal;
      const cached = limitedPrincipals.get(principal);
      if (cached !== undefined && cached.until > clock.now()) return cached.principal;
      return limit(principal);
    },
  };
}
