import { ledgerPostgresPlugin } from './ledger-postgres-plugin.js';

export default ledgerPostgresPlugin;
export { ledgerPostgresPlugin };
export { PostgresLedger } from './postgres-ledger.js';
export type { LedgerPostgresOptions } from './ledger-postgres-options.js';
export { PostgresGovernanceStore } from './postgres-governance-store.js';
