import { guardrailPiiPlugin } from './guardrail-pii-plugin.js';

export default guardrailPiiPlugin;
export { guardrailPiiPlugin };
export { findPii, piiCategories } from './pii-detectors.js';
export type { PiiCategory } from './pii-detectors.js';
export type { GuardrailPiiOptions } from './guardrail-pii-options.js';
