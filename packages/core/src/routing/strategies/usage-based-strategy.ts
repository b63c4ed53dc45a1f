import type { RouteTarget } from '../../provider/route-target.js';
import type { TargetQuotas } from '../target-quotas.js';
import type { TargetStats } from '../target-stats.js';
import type { RoutingStrategy } from './routing-strategy.js';

/**
 * How much of its minute a target has used: the share of its `tpm` (of its `rpm` without one, the
 * larger share with both) when every target of the group has a quota, else the tokens it used.
 */
function minuteUse(target: RouteTarget, quotas: TargetQuotas, shares: boolean): number {
  const used = quotas.used(target.id);
  if (!shares) return used.tokens;
  const quota = target.quota!;
  return Math.max(quota.tpm === undefined ? 0 : used.tokens / quota.tpm, quota.rpm === undefined ? 0 : used.requests / quota.rpm);
}

/**
 * `usage-based` (LiteLLM's usage-based routing): the target that has used the least of its minute
 * first — shares of their quotas when every target has one (deployments of different TPM fill
 * evenly), tokens otherwise; ties go to fewer requests in flight, then the configured order. Counted
 * on this instance, tokens as requests end.
 */
export const usageBasedStrategy: RoutingStrategy = {
  name: 'usage-based',
  order: (targets, stats: TargetStats, quotas: TargetQuotas) => {
    const shares = targets.every((target) => target.quota?.rpm !== undefined || target.quota?.tpm !== undefined);
    const use = new Map(targets.map((target) => [target, minuteUse(target, quotas, shares)]));
    return [...targets].sort((a, b) => use.get(a)! - use.get(b)! || stats.inFlight(a.id) - stats.inFlight(b.id));
  },
};
