import type { AuditLog } from './audit-log.js';
import type { BudgetStore } from './budget-store.js';
import type { Directory } from './directory.js';
import type { KeyStore } from './key-store.js';
import type { SpendReports } from './spend-reports.js';

/**
 * Everything a governance store plugin provides (the built-in SQLite and PostgreSQL ledgers do):
 * keys, budgets, the directory of orgs, teams and users, spend reports and the audit log, each also
 * usable on its own service token.
 */
export interface GovernanceStore extends KeyStore, BudgetStore, Directory, SpendReports, AuditLog {}
