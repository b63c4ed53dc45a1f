import { guardrailWebhookPlugin } from './guardrail-webhook-plugin.js';

export default guardrailWebhookPlugin;
export { guardrailWebhookPlugin };
export { askModeration } from './ask-moderation.js';
export type { ModerationVerdict } from './ask-moderation.js';
export type { GuardrailWebhookOptions } from './guardrail-webhook-options.js';
