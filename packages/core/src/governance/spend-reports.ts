import { createServiceToken } from '../services/service-token.js';
import { ledgerFilterSql, type LedgerFilter } from './ledger-sql-filters.js';
import type { RequestLookup, RequestRecord, RequestRecordQuery } from './request-records.js';

/**
 * What spend can be grouped by: a principal level, the end user, the model, the provider, the service
 * tier, the UTC day, or the request's tags (a request counts once in each of its tags' groups, and in
 * the `null` group without any).
 */
export type SpendGroup = 'key' | 'user' | 'team' | 'org' | 'end_user' | 'model' | 'provider' | 'service_tier' | 'day' | 'tag';

/** A spend report's question: grouping, a time range (epoch ms, `to` excluded) and optional filters. */
export interface SpendQuery extends LedgerFilter {
  readonly groupBy: SpendGroup;
}

/** One group of a spend report. */
export interface SpendRow {
  /** The key id, team, model, provider, service tier or `YYYY-MM-DD`; null for requests without one. */
  readonly group: string | null;
  readonly requests: number;
  /** Requests that ended with an error status. */
  readonly errors: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Known cost in micro-dollars. */
  readonly costMicros: number;
  /** Answered requests whose cost is unknown (not counted in `costMicros`). */
  readonly unknownCostRequests: number;
  /** Web searches the upstreams ran and billed (their fees are in `costMicros`). */
  readonly webSearches: number;
}

/** Spend reports from the ledger, dearest group first. Rows are written in batches, so the last moments may lag. */
export interface SpendReports {
  spend(query: SpendQuery): Promise<SpendRow[]>;
  /** The requests recorded, newest first (`GET /admin/requests`); where the store can list them. */
  requests?(query: RequestRecordQuery): Promise<RequestRecord[]>;
  /** One recorded request by its id or its answer's (`GET /v1/generation`); where the store can find them. */
  request?(lookup: RequestLookup): Promise<RequestRecord | undefined>;
}

/** Service token of the spend reports. */
export const SpendReports = createServiceToken<SpendReports>('SpendReports');

/** The `tollgate_requests` column of each grouping but `day`, which each SQL dialect computes from `started_at`, and `tag`, read from the `tags` array. */
export const spendGroupColumns: Readonly<Record<Exclude<SpendGroup, 'day' | 'tag'>, string>> = {
  key: 'key_id',
  user: 'user_id',
  team: 'team_id',
  org: 'org_id',
  end_user: 'end_user',
  model: 'model',
  provider: 'provider',
  service_tier: 'service_tier',
};

/** A spend report as SQL for the `tollgate_requests` table of either built-in ledger. */
export function spendSql(query: SpendQuery, dialect: 'sqlite' | 'postgres'): { text: string; values: (string | number | Date)[] } {
  const { conditions, values } = ledgerFilterSql(query, dialect);
  const group =
    query.groupBy === 'tag'
      ? 'tag.value'
      : query.groupBy !== 'day'
        ? spendGroupColumns[query.groupBy]
        : dialect === 'sqlite'
          ? "strftime('%Y-%m-%d', started_at / 1000, 'unixepoch')"
          : "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
  // Each tag of a request's JSON array a row of its own; a request without tags one row with a null tag.
  const source =
    query.groupBy !== 'tag'
      ? 'tollgate_requests'
      : dialect === 'sqlite'
        ? 'tollgate_requests LEFT JOIN json_each(tollgate_requests.tags) AS tag'
        : 'tollgate_requests LEFT JOIN LATERAL jsonb_array_elements_text(tollgate_requests.tags::jsonb) AS tag(value) ON true';
  const text = `SELECT ${group} AS grp, COUNT(*) AS requests,
      SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
      COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
      COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
      COALESCE(SUM(cost_micros), 0) AS cost_micros,
      SUM(CASE WHEN cost_micros IS NULL AND status < 400 THEN 1 ELSE 0 END) AS unknown_cost,
      COALESCE(SUM(web_searches), 0) AS web_searches
    FROM ${source} WHERE ${conditions.join(' AND ')}
    GROUP BY grp ORDER BY cost_micros DESC, requests DESC`;
  return { text, values };
}

/** A row of {@link spendSql}'s result (drivers may give counts as strings) as a spend row. */
export function toSpendRow(row: Record<string, unknown>): SpendRow {
  return {
    group: row.grp === null || row.grp === undefined ? null : String(row.grp),
    requests: Number(row.requests),
    errors: Number(row.errors),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    costMicros: Number(row.cost_micros),
    unknownCostRequests: Number(row.unknown_cost),
    webSearches: Number(row.web_searches),
  };
}
