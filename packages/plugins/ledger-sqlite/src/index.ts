import { ledgerSqlitePlugin } from './ledger-sqlite-plugin.js';

export default ledgerSqlitePlugin;
export { ledgerSqlitePlugin };
export { SqliteLedger } from './sqlite-ledger.js';
export type { LedgerSqliteOptions } from './ledger-sqlite-options.js';
export { SqliteGovernanceStore } from './sqlite-governance-store.js';
export { openDatabase } from './open-database.js';
