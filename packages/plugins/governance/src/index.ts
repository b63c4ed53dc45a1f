import { governancePlugin } from './governance-plugin.js';

export default governancePlugin;
export { governancePlugin };
export { estimatePromptTokens } from './estimate-prompt-tokens.js';
/** Kept here for plugins written against earlier versions; it now lives in `@tollgate/core`. */
export { budgetSubjects } from '@tollgate/core';
export type { BudgetReservation } from './budget-hooks.js';
export type { GovernanceOptions } from './governance-options.js';
export { MemoryRateLimitStore } from './memory-rate-limit-store.js';
