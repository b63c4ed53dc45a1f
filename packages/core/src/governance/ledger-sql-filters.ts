/** What every ledger query of the admin API narrows by: a time range (epoch ms, `to` excluded), a team, a key, a tag. */
export interface LedgerFilter {
  readonly from: number;
  readonly to: number;
  readonly teamId?: string;
  readonly keyId?: string;
  readonly tag?: string;
}

/**
 * The `WHERE` conditions of a {@link LedgerFilter} on `tollgate_requests`, in either built-in ledger's
 * SQL, and their values in placeholder order (`?` for SQLite, `$n` for PostgreSQL, times as epoch
 * milliseconds or dates): the time range first, so the time, key or team index serves it. `parameter`
 * adds a value of the caller's own after them.
 */
export function ledgerFilterSql(filter: LedgerFilter, dialect: 'sqlite' | 'postgres'): { readonly conditions: string[]; readonly values: (string | number | Date)[]; readonly parameter: (value: string | number | Date) => string } {
  const { values, parameter, time } = sqlParameters(dialect);
  const conditions = [`started_at >= ${parameter(time(filter.from))}`, `started_at < ${parameter(time(filter.to))}`];
  if (filter.teamId !== undefined) conditions.push(`team_id = ${parameter(filter.teamId)}`);
  if (filter.keyId !== undefined) conditions.push(`key_id = ${parameter(filter.keyId)}`);
  if (filter.tag !== undefined) {
    conditions.push(
      dialect === 'sqlite'
        ? `EXISTS (SELECT 1 FROM json_each(tollgate_requests.tags) WHERE json_each.value = ${parameter(filter.tag)})`
        : `tollgate_requests.tags::jsonb @> jsonb_build_array(${parameter(filter.tag)}::text)`,
    );
  }
  return { conditions, values, parameter };
}

/**
 * A query's values in placeholder order: `parameter` adds one and returns its placeholder (`?` for
 * SQLite, `$n` for PostgreSQL); `time` is an epoch-milliseconds value as the dialect's column holds it.
 */
export function sqlParameters(dialect: 'sqlite' | 'postgres') {
  const values: (string | number | Date)[] = [];
  const parameter = (value: string | number | Date) => {
    values.push(value);
    return dialect === 'sqlite' ? '?' : `$${values.length}`;
  };
  const time = (epochMs: number) => (dialect === 'sqlite' ? epochMs : new Date(epochMs));
  return { values, parameter, time };
}
