import { z } from '@tollgate/core';
import { guardrailScopeSchema } from '@tollgate/guardrail-kit';

/** Options of the webhook guardrail. */
export const guardrailWebhookOptionsSchema = z.strictObject({
  /** Your moderation service; it receives a JSON POST per request (see the README for the format). */
  url: z.url({ protocol: /^https?$/ }),
  /** Extra headers of the POST (an `authorization` your service checks). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Longest wait for the verdict (ms). */
  timeoutMs: z.number().int().positive().default(2_000),
  /** When the service fails or times out: `open` lets the request through (logged), `closed` refuses it with 503. */
  failMode: z.enum(['open', 'closed']).default('open'),
  /**
   * `before`: wait for the verdict before the upstream call. `parallel`: call the service and the
   * upstream together, and cancel the upstream call (or the stream in flight) if the verdict blocks;
   * the answer is held until the verdict arrives.
   */
  mode: z.enum(['before', 'parallel']).default('before'),
  /** Where it applies: teams, keys, models (everywhere when left out). */
  appliesTo: guardrailScopeSchema,
});

/** Options of the webhook guardrail, with defaults applied. */
export type GuardrailWebhookOptions = z.output<typeof guardrailWebhookOptionsSchema>;
