import { createServiceToken } from '../services/service-token.js';

/** One administrative change: who did what to which subject, and with which (non-secret) details. */
export interface AuditEntry {
  /** Epoch milliseconds. */
  readonly at: number;
  /** The admin principal's key name (`master`). */
  readonly actor: string;
  /** `key.create`, `key.update`, `key.revoke`, `budget.set`, `budget.delete`. */
  readonly action: string;
  /** The key id or `scope:id` of the budget. */
  readonly subject: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The audit log of admin changes, kept by the store plugins; never holds a key or its hash. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** The latest entries, newest first. */
  list(limit: number): Promise<AuditEntry[]>;
}

/** Service token of the audit log. */
export const AuditLog = createServiceToken<AuditLog>('AuditLog');
