/**
 * The ledger's schema, one migration per entry, applied in order inside a transaction at startup.
 * Migrations never drop data: they add, or rebuild a table with every row kept. The applied version
 * is kept in `tollgate_schema`.
 */
export const migrations: readonly string[] = [
  `CREATE TABLE tollgate_requests (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     operation TEXT NOT NULL,
     key_id TEXT,
     user_id TEXT,
     team_id TEXT,
     org_id TEXT,
     model TEXT NOT NULL,
     provider TEXT,
     upstream_model TEXT,
     prompt_tokens INTEGER,
     completion_tokens INTEGER,
     cached_tokens INTEGER,
     cache_write_tokens INTEGER,
     reasoning_tokens INTEGER,
     cost_micros INTEGER,
     latency_ms REAL NOT NULL,
     status INTEGER NOT NULL,
     error_code TEXT,
     stream INTEGER NOT NULL,
     attempts TEXT NOT NULL
   );
   CREATE INDEX tollgate_requests_request_id ON tollgate_requests (request_id);
   CREATE INDEX tollgate_requests_key_time ON tollgate_requests (key_id, started_at);
   CREATE INDEX tollgate_requests_team_time ON tollgate_requests (team_id, started_at);
   CREATE INDEX tollgate_requests_model_time ON tollgate_requests (model, started_at);`,
  `CREATE TABLE tollgate_keys (
     id TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     hint TEXT NOT NULL,
     alias TEXT NOT NULL,
     org_id TEXT,
     team_id TEXT,
     user_id TEXT,
     models TEXT,
     expires_at INTEGER,
     status TEXT NOT NULL,
     metadata TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX tollgate_keys_team ON tollgate_keys (team_id);
   CREATE TABLE tollgate_budgets (
     scope TEXT NOT NULL,
     subject_id TEXT NOT NULL,
     limit_micros INTEGER NOT NULL,
     period TEXT NOT NULL,
     spent_micros INTEGER NOT NULL DEFAULT 0,
     reserved_micros INTEGER NOT NULL DEFAULT 0,
     period_started_at INTEGER NOT NULL,
     PRIMARY KEY (scope, subject_id)
   );
   CREATE TABLE tollgate_reservations (
     id TEXT NOT NULL,
     scope TEXT NOT NULL,
     subject_id TEXT NOT NULL,
     amount_micros INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     PRIMARY KEY (id, scope, subject_id)
   );
   CREATE INDEX tollgate_reservations_expiry ON tollgate_reservations (expires_at);`,
  `ALTER TABLE tollgate_requests ADD COLUMN end_user TEXT;
   CREATE TABLE tollgate_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     subject TEXT NOT NULL,
     details TEXT NOT NULL
   );
   CREATE INDEX tollgate_audit_at ON tollgate_audit (at);`,
  `CREATE TABLE tollgate_directory (
     kind TEXT NOT NULL,
     id TEXT NOT NULL,
     name TEXT NOT NULL,
     parent_id TEXT,
     metadata TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (kind, id)
   );
   CREATE INDEX tollgate_directory_parent ON tollgate_directory (kind, parent_id);`,
  `ALTER TABLE tollgate_requests ADD COLUMN guardrails TEXT;`,
  `ALTER TABLE tollgate_keys ADD COLUMN limits TEXT;`,
  // Spend reports over a time range with no key or team filter (by day, model, provider, end user).
  `CREATE INDEX tollgate_requests_time ON tollgate_requests (started_at);`,
  // Holds in one B-tree, ordered by expiry: a hold was a row, its primary-key index and an expiry
  // index, three trees written by every reservation and settlement (in isolation, a reserve and a
  // settle in transactions of their own: 92–126 µs before, 66–71 µs after). Same name and columns,
  // so a process still on the previous version keeps working against it; the holds in flight are kept.
  `CREATE TABLE tollgate_reservations_by_expiry (
     expires_at INTEGER NOT NULL,
     id TEXT NOT NULL,
     scope TEXT NOT NULL,
     subject_id TEXT NOT NULL,
     amount_micros INTEGER NOT NULL,
     PRIMARY KEY (expires_at, id, scope, subject_id)
   ) WITHOUT ROWID;
   INSERT INTO tollgate_reservations_by_expiry (expires_at, id, scope, subject_id, amount_micros)
     SELECT expires_at, id, scope, subject_id, amount_micros FROM tollgate_reservations;
   DROP TABLE tollgate_reservations;
   ALTER TABLE tollgate_reservations_by_expiry RENAME TO tollgate_reservations;`,
  // Only what the spend reports read, as every request writes each index. No query filters on the
  // model (spend by model over a time range reads the time index): that index was a sixth B-tree, 31 of
  // a row's ~350 bytes. Reports filter on a key or a team by equality, which never matches a row without
  // one, so those rows stay out of the key and team indexes (requests refused at auth have no key; keys
  // need not belong to a team). Rebuilding the two indexes takes about a second per million rows, once.
  `DROP INDEX tollgate_requests_model_time;
   DROP INDEX tollgate_requests_key_time;
   CREATE INDEX tollgate_requests_key_time ON tollgate_requests (key_id, started_at) WHERE key_id IS NOT NULL;
   DROP INDEX tollgate_requests_team_time;
   CREATE INDEX tollgate_requests_team_time ON tollgate_requests (team_id, started_at) WHERE team_id IS NOT NULL;`,
  // What an operator looks a request up by in the provider's own records, why the answer ended, and the
  // web searches billed with it (the cost holds their fees: this says why).
  `ALTER TABLE tollgate_requests ADD COLUMN response_id TEXT;
   ALTER TABLE tollgate_requests ADD COLUMN finish_reason TEXT;
   ALTER TABLE tollgate_requests ADD COLUMN web_searches INTEGER;`,
  // The processing tier the upstream served each request at (`priority` costs more, `flex` less): why a cost is what it is.
  `ALTER TABLE tollgate_requests ADD COLUMN service_tier TEXT;`,
  // The tags a client gave each request (`x-tollgate-tags`), as a JSON array: spend by tag reads it.
  `ALTER TABLE tollgate_requests ADD COLUMN tags TEXT;`,
  // Tags every request of a key carries (a JSON array), ahead of the client's own.
  `ALTER TABLE tollgate_keys ADD COLUMN tags TEXT;`,
  // Where a row's usage comes from when not from the answer: `billed` (asked of the upstream after a
  // stream ended without it), `estimated` (counted from a stream cut before its last usage count).
  `ALTER TABLE tollgate_requests ADD COLUMN usage_source TEXT;`,
  // What an org, team or user was limited to through the admin API: rate limits (JSON) and models (a JSON array).
  `ALTER TABLE tollgate_directory ADD COLUMN limits TEXT;
   ALTER TABLE tollgate_directory ADD COLUMN models TEXT;`,
  // Responses API turns the gateway answered, so `previous_response_id` continues them on any model:
  // each turn's own input and output items and its response object (JSON), and the turn it continued.
  `CREATE TABLE tollgate_responses (
     id TEXT PRIMARY KEY,
     owner_key_id TEXT,
     previous_response_id TEXT,
     created_at INTEGER NOT NULL,
     input TEXT NOT NULL,
     output TEXT NOT NULL,
     response TEXT NOT NULL
   );
   CREATE INDEX tollgate_responses_created_at ON tollgate_responses (created_at);`,
];
