import type { GatewayContext } from '@tollgate/core';

/** The end user a request names (`user`; a Messages request's `metadata.user_id`), if any: the level end-user budgets and rate limits hold. */
export function endUserOf(request: GatewayContext['request']): string | undefined {
  const user = (request as { user?: unknown }).user;
  return typeof user === 'string' && user !== '' ? user : undefined;
}
