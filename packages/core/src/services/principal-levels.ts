import type { Principal } from '../context/principal.js';
import { createServiceToken } from './service-token.js';

/**
 * Completes the principal auth named with what its user, team and org allow (models, rate limits)
 * where the `auth` hook that named it could not: a config key, recognized by the core before any
 * plugin's hook. The engine asks it right after auth, for requests and for `GET /v1/models` alike; it
 * answers at once (the same principal) when there is nothing to add.
 */
export interface PrincipalLevels {
  complete(principal: Principal): Principal | Promise<Principal>;
}

/** Service token of the {@link PrincipalLevels} a governance plugin provides. */
export const PrincipalLevels = createServiceToken<PrincipalLevels>('PrincipalLevels');
