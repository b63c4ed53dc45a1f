import type { PluginApi } from '../plugin/plugin-api.js';
import { AuditLog } from './audit-log.js';
import { BudgetStore } from './budget-store.js';
import { Directory } from './directory.js';
import { KeyStore } from './key-store.js';
import { SpendReports } from './spend-reports.js';

/**
 * Everything a governance store plugin provides (the built-in SQLite and PostgreSQL ledgers do):
 * keys, budgets, the directory of orgs, teams and users, spend reports and the audit log, each also
 * usable on its own service token.
 */
export interface GovernanceStore extends KeyStore, BudgetStore, Directory, SpendReports, AuditLog {}

/** Provides a governance store under each of its service tokens (what a store plugin's `setup` does). */
export function provideGovernanceStore(api: PluginApi, store: GovernanceStore): void {
  api.provide(KeyStore, store);
  api.provide(BudgetStore, store);
  api.provide(Directory, store);
  api.provide(SpendReports, store);
  api.provide(AuditLog, store);
}
