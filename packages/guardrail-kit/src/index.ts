export { useTextGuardrail } from './use-text-guardrail.js';
export type { TextGuardrailOptions } from './use-text-guardrail.js';
export { guardrailScopeSchema, guardrailApplies } from './guardrail-scope.js';
export type { GuardrailScope } from './guardrail-scope.js';
export type { TextGuard, TextMatch, GuardAction } from './text-guard.js';
export { applyGuard } from './apply-guard.js';
export type { GuardOutcome } from './apply-guard.js';
export { StreamTextFilter } from './stream-text-filter.js';
export { mapEmbeddingText, mapRequestText, mapResponseText } from './walk-text.js';
