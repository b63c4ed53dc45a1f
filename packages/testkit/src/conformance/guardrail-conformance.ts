import {
  createGateway,
  definePlugin,
  GatewayError,
  RequestContext,
  z,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type ChatResult,
  type Gateway,
  type Provider,
  type TollgatePlugin,
} from '@tollgate/core';
import { checkWithFixture, type ConformanceCheck } from './conformance-check.js';
import { expectContract } from './conformance-failure.js';

/** The guardrail plugin under test, configured to catch `sample.value`, and what it does then. */
export interface GuardrailConformanceOptions {
  readonly plugin: TollgatePlugin<any>;
  readonly options?: unknown;
  /** A text holding a value the guardrail must catch (`value` appears in `text` once). */
  readonly sample: { readonly text: string; readonly value: string };
  /** What the configured guardrail does with it. */
  readonly action: 'redact' | 'block';
  /** A text the guardrail must let through unchanged. */
  readonly clean?: string;
  /** False for a guardrail that judges requests only (a moderation webhook): the answer checks are left out. */
  readonly answers?: boolean;
}

const key = 'sk-guardrail-conformance-0001';

/** An in-process upstream that records what reached it and answers with a programmed text, whole or in chunks. */
class RecordingUpstream implements Provider {
  readonly specificationVersion = 'v1';
  readonly name = 'upstream';
  readonly wire = 'openai' as const;
  readonly seen: ChatCompletionRequest[] = [];
  answer: string | readonly string[] = 'Fine.';

  async doChat(request: ChatCompletionRequest): Promise<{ response: ChatCompletionResponse }> {
    this.seen.push(request);
    const content = typeof this.answer === 'string' ? this.answer : this.answer.join('');
    return { response: { id: 'c1', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } };
  }

  async doStream(request: ChatCompletionRequest): Promise<{ type: 'chunks'; chunks: AsyncIterable<ChatCompletionChunk> }> {
    this.seen.push(request);
    const pieces = typeof this.answer === 'string' ? [this.answer] : this.answer;
    const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | null): ChatCompletionChunk => ({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    async function* chunks() {
      for (const [index, piece] of pieces.entries()) yield chunk(index === 0 ? { role: 'assistant', content: piece } : { content: piece }, null);
      yield chunk({}, 'stop');
    }
    return { type: 'chunks', chunks: chunks() };
  }
}

interface Harness {
  readonly gateway: Gateway;
  readonly upstream: RecordingUpstream;
}

async function open(options: GuardrailConformanceOptions): Promise<Harness> {
  const upstream = new RecordingUpstream();
  const upstreamPlugin = definePlugin({ name: 'recording-upstream', setup: (api) => api.registerProvider('recording', { options: z.strictObject({}), create: () => upstream }) });
  const gateway = await createGateway({
    config: { auth: { keys: [{ key, name: 'conformance', team: 'conformance' }] }, providers: { upstream: { type: 'recording' } }, models: { m: { target: 'upstream/m' } } },
    plugins: [{ plugin: upstreamPlugin }, { plugin: options.plugin, options: options.options }],
  });
  return { gateway, upstream };
}

/** Sends one chat request through the gateway: the context, and the answer's text or the error. */
async function chat(gateway: Gateway, content: string, stream = false): Promise<{ context: RequestContext; text?: string; chunks?: string[]; error?: GatewayError }> {
  const context = new RequestContext({ requestId: `r-${Math.random()}`, operation: 'chat', ingress: 'openai', request: { model: 'm', stream, messages: [{ role: 'user', content }] }, credential: key });
  try {
    const result: ChatResult = await gateway.engine.handleChat(context);
    if (result.type === 'response') return { context, text: result.response.choices[0]?.message.content ?? '' };
    if (result.type !== 'chunks') return { context, text: '' };
    const chunks: string[] = [];
    for await (const chunk of result.chunks) chunks.push(chunk.choices[0]?.delta.content ?? '');
    return { context, text: chunks.join(''), chunks };
  } catch (error) {
    if (GatewayError.isInstance(error)) return { context, error };
    throw error;
  } finally {
    await gateway.engine.drain();
  }
}

function point(condition: boolean, what: string, seen: () => string, fix: string): asserts condition {
  expectContract(condition, what, seen, fix, 'Guardrail');
}

/**
 * The checks a text guardrail must pass, driven through the real engine with an in-process upstream:
 * a caught value never reaches the upstream (redacted, or the request refused with 400
 * `guardrail_blocked` whose message does not hold it), the guardrail is noted on the request, a value
 * in an answer is caught, a value split across two stream chunks is caught with no fragment released,
 * and clean text passes unchanged. Each failure names the contract point and the fix.
 *
 * @example
 * for (const check of guardrailConformanceChecks({ plugin, options: { action: 'redact' }, sample: { text: 'mail a@b.io', value: 'a@b.io' }, action: 'redact' })) it(check.name, check.run);
 */
export function guardrailConformanceChecks(options: GuardrailConformanceOptions): ConformanceCheck[] {
  const check = checkWithFixture(() => open(options), ({ gateway }) => gateway.close());
  const { text, value } = options.sample;
  const half = Math.floor(value.length / 2);
  const at = text.indexOf(value);
  const answerChecks = [
    check('a value in an answer is caught', async ({ gateway, upstream }) => {
      upstream.answer = text;
      const outcome = await chat(gateway, options.clean ?? 'Tell me.');
      point(outcome.error !== undefined || !(outcome.text ?? '').includes(value), 'the value does not reach the client in a whole answer', () => String(outcome.text), 'Guard answers in transform.response.');
    }),
    check('a value split across two stream chunks is caught, with no fragment released', async ({ gateway, upstream }) => {
      upstream.answer = [text.slice(0, at + half), text.slice(at + half), ' And a few more words to close the answer.'];
      const outcome = await chat(gateway, options.clean ?? 'Tell me.', true);
      const released = outcome.chunks ?? [];
      const leaked = released.join('').includes(value) || released.some((piece) => piece.includes(value.slice(0, half)) || piece.includes(value.slice(half)));
      point(outcome.error !== undefined || !leaked, 'a match split across chunks is caught before any part of it is sent', () => JSON.stringify(released), 'Hold back the tail of the stream (StreamTextFilter from @tollgate/guardrail-kit) so a match can complete before it is released.');
    }),
  ];
  return [
    check('a caught value never reaches the upstream', async ({ gateway, upstream }) => {
      const outcome = await chat(gateway, text);
      const sent = JSON.stringify(upstream.seen);
      point(!sent.includes(value), 'the value is not in what the upstream received', () => sent, 'Guard every text of the request in transform.request and replace the request (context.replaceRequest) or throw before dispatch.');
      if (options.action === 'block') {
        point(outcome.error?.code === 'TOLLGATE_GUARDRAIL_BLOCKED' && outcome.error.status === 400, 'a block is 400 guardrail_blocked', () => String(outcome.error?.code), "Throw GatewayError('TOLLGATE_GUARDRAIL_BLOCKED', …).");
        point(!outcome.error.message.includes(value), 'a block message names the category, never the value', () => outcome.error!.message, 'Name the category in the message; leave the matched text out.');
      }
    }),
    check('the guardrail is noted on the request', async ({ gateway }) => {
      const { context } = await chat(gateway, options.clean ?? 'Nothing to see here.');
      point(context.guardrails.length > 0, 'a guardrail that ran is listed (x-tollgate-guardrails, the ledger row)', () => JSON.stringify(context.guardrails), 'Call context.noteGuardrail(name) wherever the guardrail applies.');
    }),
    ...(options.answers === false ? [] : answerChecks),
    check('clean text passes unchanged', async ({ gateway, upstream }) => {
      const clean = options.clean ?? 'Nothing to see here.';
      upstream.answer = clean;
      const outcome = await chat(gateway, clean);
      const sent = upstream.seen.at(-1)?.messages[0]?.content;
      point(sent === clean && outcome.text === clean, 'text without a match reaches the upstream and the client as it was', () => JSON.stringify({ sent, answered: outcome.text }), 'Change only the matched spans; return the same request when nothing matched.');
    }),
  ];
}
