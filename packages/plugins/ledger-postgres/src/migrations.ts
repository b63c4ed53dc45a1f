/**
 * The ledger's schema, one migration per entry, applied in order inside a transaction at startup
 * under an advisory lock (several gateway instances may start at once). Migrations only add: they
 * never drop or rewrite data. The applied version is kept in `tollgate_schema`.
 */
export const migrations: readonly string[] = [
  `CREATE TABLE tollgate_requests (
     id BIGSERIAL PRIMARY KEY,
     request_id TEXT NOT NULL,
     started_at TIMESTAMPTZ NOT NULL,
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
     cost_micros BIGINT,
     latency_ms DOUBLE PRECISION NOT NULL,
     status INTEGER NOT NULL,
     error_code TEXT,
     stream BOOLEAN NOT NULL,
     attempts JSONB NOT NULL
   );
   CREATE INDEX tollgate_requests_request_id ON tollgate_requests (request_id);
   CREATE INDEX tollgate_requests_key_time ON tollgate_requests (key_id, started_at);
   CREATE INDEX tollgate_requests_team_time ON tollgate_requests (team_id, started_at);
   CREATE INDEX tollgate_requests_model_time ON tollgate_requests (model, started_at);`,
];
