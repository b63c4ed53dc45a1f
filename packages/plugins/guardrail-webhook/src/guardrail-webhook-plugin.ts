import { definePlugin, type GatewayError } from '@tollgate/core';
import { guardrailApplies } from '@tollgate/guardrail-kit';
import { askModeration } from './ask-moderation.js';
import { guardrailWebhookOptionsSchema } from './guardrail-webhook-options.js';

declare module '@tollgate/core' {
  interface ContextVariableMap {
    moderationVerdict: Promise<GatewayError | undefined>;
  }
}

/**
 * Asks your moderation service about each request — chat, embeddings and rerank alike. In `before` mode the request waits for the
 * verdict; in `parallel` mode the service and the upstream are called together, a block cancels the
 * upstream call (or the stream in flight), and a whole answer is held until the verdict arrives.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/guardrail-webhook", options: { url: "https://moderation.internal/check", mode: parallel, failMode: closed } }
 */
export const guardrailWebhookPlugin = definePlugin({
  name: '@tollgate/guardrail-webhook',
  options: guardrailWebhookOptionsSchema,
  setup(api, options) {
    const log = (message: string, error: unknown) => api.logger.warn({ err: error }, message);
    api.addHook('transform.request', async (context) => {
      // Its answer hook only waits for the verdict, never reads the answer: the upstream's bytes may pass.
      if (options.mode === 'parallel') context.leaveAnswerUnread(api);
      if (!guardrailApplies(context, options.appliesTo)) return undefined;
      context.noteGuardrail('webhook');
      if (options.mode === 'before') {
        const refusal = await askModeration(context, options, log);
        if (refusal !== undefined) throw refusal;
        return undefined;
      }
      const cancel = context.makeCancellable();
      const verdict = askModeration(context, options, log).then((refusal) => {
        if (refusal !== undefined) cancel(refusal);
        return refusal;
      });
      context.set('moderationVerdict', verdict);
      return undefined;
    });
    if (options.mode === 'parallel') {
      // A whole answer waits for the verdict; a stream is cancelled if one blocks while it runs.
      api.addHook('transform.response', async (context) => {
        const refusal = await context.get('moderationVerdict');
        if (refusal !== undefined) throw refusal;
        return undefined;
      });
    }
  },
});
