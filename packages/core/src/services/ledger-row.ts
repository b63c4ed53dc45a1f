import type { LedgerEntry } from './ledger.js';

/** The columns of the `tollgate_requests` table every SQL ledger keeps, in insert order. */
export const ledgerColumns = [
  'request_id', 'started_at', 'operation', 'key_id', 'user_id', 'team_id', 'org_id', 'model', 'provider', 'upstream_model',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_micros',
  'latency_ms', 'status', 'error_code', 'stream', 'attempts', 'end_user', 'guardrails',
] as const;

/** One column's name. */
export type LedgerColumn = (typeof ledgerColumns)[number];

/**
 * A ledger entry flattened into `tollgate_requests` columns: unknowns are `null`, `started_at` is
 * epoch milliseconds and `attempts` is JSON. A SQL ledger converts only what its driver stores
 * differently (a timestamp, a boolean).
 */
export function toLedgerRow(entry: LedgerEntry): Record<LedgerColumn, string | number | boolean | null> {
  const usage = entry.usage;
  return {
    request_id: entry.requestId,
    started_at: entry.startedAt,
    operation: entry.operation,
    key_id: entry.keyId ?? null,
    user_id: entry.userId ?? null,
    team_id: entry.teamId ?? null,
    org_id: entry.orgId ?? null,
    model: entry.model,
    provider: entry.provider ?? null,
    upstream_model: entry.upstreamModel ?? null,
    prompt_tokens: usage?.prompt_tokens ?? null,
    completion_tokens: usage?.completion_tokens ?? null,
    cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? null,
    cache_write_tokens: usage?.prompt_tokens_details?.cache_write_tokens ?? null,
    reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? null,
    cost_micros: entry.costMicros ?? null,
    latency_ms: entry.latencyMs,
    status: entry.status,
    error_code: entry.errorCode ?? null,
    stream: entry.stream,
    attempts: JSON.stringify(entry.attempts),
    end_user: entry.endUser ?? null,
    guardrails: entry.guardrails === undefined || entry.guardrails.length === 0 ? null : entry.guardrails.join(','),
  };
}
