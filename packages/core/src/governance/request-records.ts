import { ledgerFilterSql, sqlParameters, type LedgerFilter } from './ledger-sql-filters.js';

/** Which recorded requests to list: a time range (epoch ms, `to` excluded), optional filters, newest first, at most `limit`. */
export interface RequestRecordQuery extends LedgerFilter {
  /** Only requests that ended with an error status. */
  readonly errorsOnly?: boolean;
  readonly limit: number;
}

/** One request as the ledger recorded it: ids and figures, never a key or a body. */
export interface RequestRecord {
  readonly requestId: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly operation: string;
  readonly keyId: string | null;
  readonly teamId: string | null;
  readonly endUser: string | null;
  readonly model: string;
  readonly provider: string | null;
  readonly upstreamModel: string | null;
  /** The id the upstream gave its answer (`chatcmpl-…`, `msg_…`): the request in the provider's own records. */
  readonly responseId: string | null;
  readonly status: number;
  readonly errorCode: string | null;
  readonly stream: boolean;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  /** Micro-dollars; null when unknown. */
  readonly costMicros: number | null;
  readonly latencyMs: number;
  readonly finishReason: string | null;
  readonly serviceTier: string | null;
  readonly tags: readonly string[];
  readonly guardrails: string | null;
  /** Where the usage comes from when not from the answer: `billed` (asked of the upstream afterwards), `estimated` (a cut stream). */
  readonly usageSource: string | null;
}

/** The columns a listing reads, in the order {@link toRequestRecord} expects them by name. */
const listedColumns = 'request_id, started_at, operation, key_id, team_id, end_user, model, provider, upstream_model, response_id, status, error_code, stream, prompt_tokens, completion_tokens, cost_micros, latency_ms, finish_reason, service_tier, tags, guardrails, usage_source';

/** A listing of recorded requests as SQL for the `tollgate_requests` table of either built-in ledger: newest first, through the time (or key, team) index. */
export function requestRecordsSql(query: RequestRecordQuery, dialect: 'sqlite' | 'postgres'): { text: string; values: (string | number | Date)[] } {
  const { conditions, values, parameter } = ledgerFilterSql(query, dialect);
  if (query.errorsOnly === true) conditions.push('status >= 400');
  return { text: `SELECT ${listedColumns} FROM tollgate_requests WHERE ${conditions.join(' AND ')} ORDER BY started_at DESC LIMIT ${parameter(query.limit)}`, values };
}

/**
 * One recorded request to find (`GET /v1/generation`): by the gateway's request id (`x-request-id`,
 * any age), or else by the id the upstream gave its answer (`chatcmpl-…`, `msg_…`) among the requests
 * since `answersSince` (answer ids have no index of their own: every request would write it); only
 * the key's own when `keyId` is given.
 */
export interface RequestLookup {
  readonly id: string;
  readonly keyId?: string;
  /** Epoch milliseconds: how far back an answer's id is looked for. */
  readonly answersSince: number;
}

/**
 * A {@link RequestLookup} as SQL for `tollgate_requests`, by request id (its index) or by answer id (the
 * time, or key, index over `answersSince` on); the newest match.
 */
export function requestLookupSql(lookup: RequestLookup, by: 'request' | 'answer', dialect: 'sqlite' | 'postgres'): { text: string; values: (string | number | Date)[] } {
  const { values, parameter, time } = sqlParameters(dialect);
  const conditions = by === 'answer' ? [`started_at >= ${parameter(time(lookup.answersSince))}`, `response_id = ${parameter(lookup.id)}`] : [`request_id = ${parameter(lookup.id)}`];
  if (lookup.keyId !== undefined) conditions.push(`key_id = ${parameter(lookup.keyId)}`);
  return { text: `SELECT ${listedColumns} FROM tollgate_requests WHERE ${conditions.join(' AND ')} ORDER BY started_at DESC LIMIT 1`, values };
}

const textOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** A listed row (SQLite's or PostgreSQL's types) as a {@link RequestRecord}. */
export function toRequestRecord(row: Record<string, unknown>): RequestRecord {
  return {
    requestId: String(row.request_id),
    startedAt: row.started_at instanceof Date ? row.started_at.getTime() : Number(row.started_at),
    operation: String(row.operation),
    keyId: textOrNull(row.key_id),
    teamId: textOrNull(row.team_id),
    endUser: textOrNull(row.end_user),
    model: String(row.model),
    provider: textOrNull(row.provider),
    upstreamModel: textOrNull(row.upstream_model),
    responseId: textOrNull(row.response_id),
    status: Number(row.status),
    errorCode: textOrNull(row.error_code),
    stream: row.stream === true || row.stream === 1,
    promptTokens: numberOrNull(row.prompt_tokens),
    completionTokens: numberOrNull(row.completion_tokens),
    costMicros: numberOrNull(row.cost_micros),
    latencyMs: Number(row.latency_ms),
    finishReason: textOrNull(row.finish_reason),
    serviceTier: textOrNull(row.service_tier),
    tags: typeof row.tags === 'string' ? (JSON.parse(row.tags) as string[]) : [],
    guardrails: textOrNull(row.guardrails),
    usageSource: textOrNull(row.usage_source),
  };
}
