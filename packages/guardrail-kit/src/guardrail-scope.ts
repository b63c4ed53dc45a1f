import { matchesModelPattern, z, type GatewayContext } from '@tollgate/core';

/**
 * Where a guardrail applies: left out, everywhere; otherwise only to requests of these teams, these
 * keys (by name or id) and these model names (`prefix/*` patterns allowed) — every list given must
 * match.
 */
export const guardrailScopeSchema = z
  .strictObject({
    teams: z.array(z.string().min(1)).optional(),
    keys: z.array(z.string().min(1)).optional(),
    models: z.array(z.string().min(1)).optional(),
  })
  .optional();

/** A guardrail's scope, as configured. */
export type GuardrailScope = z.output<typeof guardrailScopeSchema>;

/** Whether a guardrail with this scope applies to the request. */
export function guardrailApplies(context: GatewayContext, scope: GuardrailScope): boolean {
  if (scope === undefined) return true;
  const principal = context.principal;
  if (scope.teams !== undefined && (principal?.teamId === undefined || !scope.teams.includes(principal.teamId))) return false;
  if (scope.keys !== undefined && (principal === undefined || !(scope.keys.includes(principal.keyName) || scope.keys.includes(principal.keyId)))) return false;
  if (scope.models !== undefined && !scope.models.some((pattern) => matchesModelPattern(context.request.model, pattern))) return false;
  return true;
}
