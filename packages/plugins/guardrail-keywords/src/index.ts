import { guardrailKeywordsPlugin } from './guardrail-keywords-plugin.js';

export default guardrailKeywordsPlugin;
export { guardrailKeywordsPlugin };
export { createKeywordGuard } from './keyword-guard.js';
export type { GuardrailKeywordsOptions } from './guardrail-keywords-options.js';
