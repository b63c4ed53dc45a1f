import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requestRecordsSql, spendSql, type SpendGroup, type SpendQuery } from '@tollgate/core';
import { openDatabase } from './open-database.js';

const folder = await mkdtemp(join(tmpdir(), 'tollgate-plans-'));
const database = openDatabase(join(folder, 'ledger.sqlite'));
afterAll(async () => {
  database.close();
  await rm(folder, { recursive: true, force: true });
});

const groups: SpendGroup[] = ['key', 'user', 'team', 'org', 'end_user', 'model', 'provider', 'service_tier', 'day', 'tag'];
const filters: { readonly name: string; readonly filter: Partial<SpendQuery> }[] = [
  { name: 'all requests', filter: {} },
  { name: 'one team', filter: { teamId: 'search' } },
  { name: 'one key', filter: { keyId: 'key-1' } },
  { name: 'one tag', filter: { tag: 'customer:acme' } },
];

/** The lines of SQLite's plan for a query, e.g. `SEARCH tollgate_requests USING INDEX … (started_at>? AND started_at<?)`. */
function plan(query: SpendQuery): string[] {
  const { text, values } = spendSql(query, 'sqlite');
  return (database.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...(values as (string | number)[])) as { detail: string }[]).map((row) => row.detail);
}

describe('spend reports on the SQLite ledger', () => {
  // The ledger grows by a row per request: a report that scanned the table would take longer every day.
  it.each(groups.flatMap((groupBy) => filters.map(({ name, filter }) => ({ groupBy, name, filter }))))('reads spend by $groupBy of $name through an index, never a scan of the table', ({ groupBy, filter }) => {
    const query = { groupBy, from: 0, to: 1, ...filter };
    const lines = plan(query);
    const table = lines.filter((line) => line.includes('tollgate_requests'));
    expect(table).toHaveLength(1);
    expect(table[0]).toMatch(/^SEARCH tollgate_requests USING INDEX tollgate_requests_\w+ \(.*started_at>\? AND started_at<\?\)$/);
    // A filter on a key or team uses the index that leads with it.
    if (query.teamId !== undefined) expect(table[0]).toContain('tollgate_requests_team_time');
    if (query.keyId !== undefined) expect(table[0]).toContain('tollgate_requests_key_time');
  });

  it.each(filters)('lists recorded requests of $name newest first through an index, with no sort of its own', ({ filter }) => {
    const { text, values } = requestRecordsSql({ from: 0, to: 1, limit: 100, ...filter }, 'sqlite');
    const lines = (database.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...(values as (string | number)[])) as { detail: string }[]).map((row) => row.detail);
    const table = lines.filter((line) => line.includes('tollgate_requests'));
    expect(table).toHaveLength(1);
    expect(table[0]).toMatch(/^SEARCH tollgate_requests USING INDEX tollgate_requests_\w+ \(.*started_at>\? AND started_at<\?\)$/);
    expect(lines.some((line) => line.includes('TEMP B-TREE'))).toBe(false);
  });

  it('counts through the key and team indexes every row of that key or team, though rows without one are not in them', () => {
    const insert = database.prepare('INSERT INTO tollgate_requests (request_id, started_at, operation, key_id, team_id, model, latency_ms, status, stream, attempts, prompt_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const rows: [string, string | null, string | null][] = [['r1', 'key-1', 'search'], ['r2', 'key-1', null], ['r3', null, null], ['r4', 'key-2', 'search']];
    for (const [id, key, team] of rows) insert.run(id, 10, 'chat', key, team, 'gpt-4o', 1, 200, 0, '[]', 5);
    const report = (query: Partial<SpendQuery>) => {
      const { text, values } = spendSql({ groupBy: 'model', from: 0, to: 100, ...query }, 'sqlite');
      return database.prepare(text).all(...(values as (string | number)[])).map((row) => [row.grp, row.requests, row.prompt_tokens]);
    };
    expect(report({ teamId: 'search' })).toEqual([['gpt-4o', 2, 10]]);
    expect(report({ keyId: 'key-1' })).toEqual([['gpt-4o', 2, 10]]);
    expect(report({})).toEqual([['gpt-4o', 4, 20]]);
    database.exec('DELETE FROM tollgate_requests');
  });

  it('keeps no index that a report does not use (each is written by every request)', () => {
    const used = new Set(groups.flatMap((groupBy) => filters.flatMap(({ filter }) => plan({ groupBy, from: 0, to: 1, ...filter }))).flatMap((line) => /USING INDEX (\w+)/.exec(line)?.[1] ?? []));
    const indexes = (database.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'tollgate_requests'").all() as { name: string }[]).map((row) => row.name);
    // The request id's index is for finding one request (an operator's lookup), which no report does.
    expect(indexes.filter((name) => name !== 'tollgate_requests_request_id').sort()).toEqual([...used].sort());
  });
});
