import { periodEnd } from './budget-period.js';
import type { Budget, BudgetPeriod, BudgetScope } from './budget-store.js';
import type { DirectoryEntry, DirectoryKind } from './directory.js';
import type { KeyRateLimits, VirtualKeyRecord, VirtualKeyStatus } from './virtual-key.js';

/** A `tollgate_keys` row as the SQL stores read it (snake_case; JSON columns as text). */
export interface KeyRow {
  readonly id: string;
  readonly hash: string;
  readonly hint: string;
  readonly alias: string;
  readonly org_id: string | null;
  readonly team_id: string | null;
  readonly user_id: string | null;
  readonly models: string | null;
  readonly expires_at: number | string | null;
  readonly status: string;
  readonly metadata: string;
  readonly created_at: number | string;
  readonly limits?: string | null;
  readonly tags?: string | null;
}

/** A `tollgate_budgets` row as the SQL stores read it (bigints may arrive as strings). */
export interface BudgetRow {
  readonly scope: string;
  readonly subject_id: string;
  readonly limit_micros: number | string;
  readonly period: string;
  readonly spent_micros: number | string;
  readonly reserved_micros: number | string;
  readonly period_started_at: number | string;
}

/** The `tollgate_keys` columns, in the order {@link toKeyRow} gives values. */
export const keyColumns = ['id', 'hash', 'hint', 'alias', 'org_id', 'team_id', 'user_id', 'models', 'expires_at', 'status', 'metadata', 'created_at', 'limits', 'tags'] as const;

/** A key record as `tollgate_keys` values, in {@link keyColumns} order. */
export function toKeyRow(record: VirtualKeyRecord): (string | number | null)[] {
  return [
    record.id,
    record.hash,
    record.hint,
    record.alias,
    record.orgId ?? null,
    record.teamId ?? null,
    record.userId ?? null,
    record.models === undefined ? null : JSON.stringify(record.models),
    record.expiresAt ?? null,
    record.status,
    JSON.stringify(record.metadata),
    record.createdAt,
    record.limits === undefined ? null : JSON.stringify(record.limits),
    record.tags === undefined ? null : JSON.stringify(record.tags),
  ];
}

/** A `tollgate_keys` row as a key record. */
export function fromKeyRow(row: KeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    hash: row.hash,
    hint: row.hint,
    alias: row.alias,
    orgId: row.org_id ?? undefined,
    teamId: row.team_id ?? undefined,
    userId: row.user_id ?? undefined,
    models: row.models === null ? undefined : (JSON.parse(row.models) as string[]),
    expiresAt: row.expires_at === null ? undefined : Number(row.expires_at),
    status: row.status as VirtualKeyStatus,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    createdAt: Number(row.created_at),
    ...(row.limits === undefined || row.limits === null ? {} : { limits: JSON.parse(row.limits) as KeyRateLimits }),
    ...(row.tags === undefined || row.tags === null ? {} : { tags: JSON.parse(row.tags) as string[] }),
  };
}

/** A `tollgate_budgets` row as a budget. */
export function fromBudgetRow(row: BudgetRow): Budget {
  const period = row.period as BudgetPeriod;
  const periodStartedAt = Number(row.period_started_at);
  return {
    scope: row.scope as BudgetScope,
    id: row.subject_id,
    limitMicros: Number(row.limit_micros),
    period,
    spentMicros: Number(row.spent_micros),
    reservedMicros: Number(row.reserved_micros),
    periodStartedAt,
    resetsAt: periodEnd(period, periodStartedAt),
  };
}

/** A `tollgate_directory` row as the SQL stores read it. */
export interface DirectoryRow {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly parent_id: string | null;
  readonly metadata: string;
  /** JSON: `{ rpm?, tpm?, parallel? }`, or null. */
  readonly limits?: string | null;
  /** JSON array of model names or patterns, or null. */
  readonly models?: string | null;
  readonly created_at: number | string;
}

/** A `tollgate_directory` row as a directory entry. */
export function fromDirectoryRow(row: DirectoryRow): DirectoryEntry {
  return {
    kind: row.kind as DirectoryKind,
    id: row.id,
    name: row.name,
    parentId: row.parent_id ?? undefined,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    ...(row.limits == null ? {} : { limits: JSON.parse(row.limits) as KeyRateLimits }),
    ...(row.models == null ? {} : { models: JSON.parse(row.models) as string[] }),
    createdAt: Number(row.created_at),
  };
}

/** A directory entry's `limits` and `models` as the JSON text of their columns (null when not set). */
export function directoryLimitColumns(entry: DirectoryEntry): { limits: string | null; models: string | null } {
  return { limits: entry.limits === undefined ? null : JSON.stringify(entry.limits), models: entry.models === undefined ? null : JSON.stringify(entry.models) };
}
