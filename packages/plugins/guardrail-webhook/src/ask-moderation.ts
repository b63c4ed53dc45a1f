import { GatewayError, type GatewayContext } from '@tollgate/core';
import type { GuardrailWebhookOptions } from './guardrail-webhook-options.js';

/** What the moderation service answers: `{ "allowed": true }` or `{ "allowed": false, "category": "…" }`. */
export interface ModerationVerdict {
  readonly allowed: boolean;
  readonly category?: string;
}

/** What of a request the service reads, by operation: a chat request's messages, an embeddings, moderation or speech request's input, a rerank request's query and documents, an image or transcription request's prompt. */
function textsOf(context: GatewayContext): { readonly fields: Record<string, unknown>; readonly param: string } {
  if (context.operation === 'embeddings' || context.operation === 'moderations' || context.operation === 'speech') return { fields: { input: context.request.input }, param: 'input' };
  if (context.operation === 'rerank') return { fields: { query: context.request.query, documents: context.request.documents }, param: 'documents' };
  if (context.operation === 'images') return { fields: { prompt: context.request.prompt }, param: 'prompt' };
  if (context.operation === 'transcriptions') return { fields: { prompt: context.request.prompt ?? null }, param: 'prompt' };
  return { fields: { messages: context.request.messages }, param: 'messages' };
}

/**
 * Asks the moderation service about a request: a JSON POST with the request id, the operation, the
 * model, its texts (`messages`; `input` for embeddings, moderations and speech; `query` and `documents` for rerank; `prompt` for images) and who is
 * calling (key, team and user ids — never the key), answered within `timeoutMs`. Resolves to
 * undefined when the request may go on, or to the error the client gets: 400 `guardrail_blocked`
 * naming the service's category, or — failing closed — 503 `guardrail_unavailable`.
 */
export async function askModeration(context: GatewayContext, options: GuardrailWebhookOptions, log: (message: string, error: unknown) => void): Promise<GatewayError | undefined> {
  const principal = context.principal!;
  const texts = textsOf(context);
  let verdict: ModerationVerdict;
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ request_id: context.requestId, operation: context.operation, model: context.request.model, ...texts.fields, key_id: principal.keyId, team_id: principal.teamId ?? null, user_id: principal.userId ?? null }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) throw new Error(`the moderation service answered ${response.status}`);
    verdict = (await response.json()) as ModerationVerdict;
    if (typeof verdict.allowed !== 'boolean') throw new Error('the moderation service answered without a boolean "allowed"');
  } catch (error) {
    log(options.failMode === 'open' ? 'moderation webhook failed; request let through (failMode: open)' : 'moderation webhook failed; request refused (failMode: closed)', error);
    if (options.failMode === 'open') return undefined;
    return new GatewayError('TOLLGATE_GUARDRAIL_UNAVAILABLE', 'Guardrail "webhook" could not get a verdict in time, and it fails closed; retry shortly.', { retryAfterMs: 1_000 });
  }
  if (verdict.allowed) return undefined;
  const category = typeof verdict.category === 'string' && /^[\w.-]{1,64}$/.test(verdict.category) ? verdict.category : 'unspecified';
  return new GatewayError('TOLLGATE_GUARDRAIL_BLOCKED', `Guardrail "webhook" blocked the request: the moderation service flagged it (${category}).`, { param: texts.param });
}
