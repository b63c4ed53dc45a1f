import { GatewayError, hashVirtualKey, virtualKeyPrefix, type Clock, type Directory, type DirectoryEntry, type HookMap, type KeyStore, type Principal, type VirtualKeyRecord } from '@tollgate/core';
import { levelLimits, levelsOf } from './level-limits.js';

/** Lookups remembered at most; the cache starts over when full (keys are few, lookups cheap). */
const maxCachedKeys = 10_000;

/**
 * The `auth` hook of virtual keys: a presented `tg-…` key is hashed and looked up in the shared key
 * store, with its user, team and org in the `directory` (their models and rate limits), remembered for
 * `cacheMs` (so a revocation or a new limit reaches every instance within that time). Expired,
 * suspended and revoked keys get 401 saying which; other keys are left to the next auth hook.
 */
export function createVirtualKeyAuth(store: KeyStore, clock: Clock, cacheMs: number, directory?: Directory): HookMap['auth'] {
  /** By key hash: the record, and its principal built once (hooks may cache by principal, as rate limits do). */
  const cache = new Map<string, { readonly record: VirtualKeyRecord | undefined; readonly principal: Principal | undefined; readonly until: number }>();

  async function lookup(hash: string): Promise<{ readonly record: VirtualKeyRecord | undefined; readonly principal: Principal | undefined }> {
    const now = clock.now();
    const cached = cache.get(hash);
    if (cached !== undefined && cached.until > now) return cached;
    let record: VirtualKeyRecord | undefined;
    let levels: DirectoryEntry[] = [];
    try {
      record = await store.findKeyByHash(hash);
      if (record !== undefined && directory !== undefined) levels = await levelsOf(record, directory);
    } catch (error) {
      throw new GatewayError('TOLLGATE_GOVERNANCE_STORE_UNAVAILABLE', 'Virtual keys cannot be checked right now (their store is unreachable); retry shortly.', { retryAfterMs: 1_000, cause: error });
    }
    const found = { record, principal: record === undefined ? undefined : toPrincipal(record, levels) };
    if (cache.size >= maxCachedKeys) cache.clear();
    if (cacheMs > 0) cache.set(hash, { ...found, until: now + cacheMs });
    return found;
  }

  return async function virtualKeyAuth(context) {
    const credential = context.credential;
    if (context.principal !== undefined || credential === undefined || !credential.startsWith(virtualKeyPrefix)) return;
    const { record, principal } = await lookup(hashVirtualKey(credential));
    if (record === undefined) return;
    if (record.status !== 'active') {
      throw new GatewayError('TOLLGATE_INVALID_API_KEY', `The API key "${record.alias}" (${record.id}) is ${record.status}. Ask the gateway operator for an active key.`);
    }
    if (record.expiresAt !== undefined && record.expiresAt <= clock.now()) {
      throw new GatewayError('TOLLGATE_INVALID_API_KEY', `The API key "${record.alias}" (${record.id}) expired at ${new Date(record.expiresAt).toISOString()}. Ask the gateway operator for a new key.`);
    }
    context.principal = principal;
  };
}

/** The principal a virtual key stands for, limited by its user's, team's and org's entries. */
function toPrincipal(record: VirtualKeyRecord, levels: readonly DirectoryEntry[]): Principal {
  return {
    keyId: record.id,
    keyName: record.alias,
    isMaster: false,
    ...(record.userId === undefined ? {} : { userId: record.userId }),
    ...(record.teamId === undefined ? {} : { teamId: record.teamId }),
    ...(record.orgId === undefined ? {} : { orgId: record.orgId }),
    ...(record.models === undefined ? {} : { allowedModels: record.models }),
    metadata: record.metadata,
    ...(record.limits === undefined ? {} : { rateLimits: record.limits }),
    ...(record.tags === undefined ? {} : { tags: record.tags }),
    ...levelLimits(levels),
  };
}
